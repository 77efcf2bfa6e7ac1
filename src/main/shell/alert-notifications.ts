/**
 * Desktop notifications for alerts: the desktop app shows them from the main process (the
 * page is refused the notifications permission); a rule's notify flag and quiet hours
 * decide, as in web mode.
 */

export interface NoticeSource {
  on(event: 'alert.fired' | 'alert.cleared', listener: (notice: Notice) => void): unknown
}

export interface Notice {
  notify: boolean
  title: string
  body: string
}

export interface NotificationClass {
  new (options: { title: string; body: string }): { show(): void }
  isSupported(): boolean
}

export function notifyAlerts(events: NoticeSource, Notification: NotificationClass): void {
  const show = (notice: Notice): void => {
    if (notice.notify && Notification.isSupported())
      new Notification({ title: notice.title, body: notice.body }).show()
  }
  events.on('alert.fired', show)
  events.on('alert.cleared', show)
}
