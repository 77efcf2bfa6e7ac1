/**
 * What closing the last window does (Settings → Desktop → "keep running in the tray"). By
 * default the app stays in the tray: the broker keeps serving devices, readings are stored and
 * alerts notify, which is why people start it at login. The first time, a desktop notification
 * says so once and how to quit. Electron quits on its own when the last window closes and no
 * one listens to 'window-all-closed'; during app.quit() (tray or menu Quit) that event is not
 * emitted, so quitting is never held up here.
 */
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export type CloseAction = 'tray' | 'dock' | 'quit'

/** 'tray': keep running in the tray; 'dock': macOS without a tray keeps its Dock icon. */
export function closeAction(options: {
  platform: NodeJS.Platform
  closeToTray: boolean
  trayShown: boolean
}): CloseAction {
  if (!options.closeToTray) return 'quit'
  if (options.trayShown) return 'tray'
  // Without a tray icon Windows and Linux would leave no way back to a running app.
  return options.platform === 'darwin' ? 'dock' : 'quit'
}

/** What each OS calls the place the tray icon sits. */
export function trayPlace(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'menu bar'
  if (platform === 'win32') return 'notification area'
  return 'tray'
}

export function stillRunningNotice(platform: NodeJS.Platform): { title: string; body: string } {
  const place = trayPlace(platform)
  return {
    title: 'ESP32 IoT Control Center is still running',
    // Some Linux desktops hide tray icons: starting the app again always opens the window.
    body:
      `It keeps collecting readings in the background. To quit, choose Quit in its ${place} ` +
      'icon’s menu. To open it, click here or start the app again.',
  }
}

/** `<userData>/desktop-notices.json`: which one-time notices the person has had. */
export const NOTICES_FILE = 'desktop-notices.json'

function noticeShown(dataDir: string): boolean {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dataDir, NOTICES_FILE), 'utf8'))
    return typeof parsed === 'object' && parsed !== null && 'closeToTray' in parsed
  } catch {
    // Missing or unreadable: telling once more costs less than never telling.
    return false
  }
}

export interface CloseToTrayApp {
  on(event: 'window-all-closed', listener: () => void): unknown
  quit(): void
}

export interface NoticeClass {
  new (options: { title: string; body: string }): {
    show(): void
    on(event: 'click', listener: () => void): unknown
  }
  isSupported(): boolean
}

export interface CloseToTrayOptions {
  platform: NodeJS.Platform
  dataDir: string
  /** The setting, read at each close (it may change while the app runs). */
  closeToTray(): boolean
  /** Whether the tray icon was made. */
  trayShown(): boolean
  Notification: NoticeClass
  /** Opens the window (a click on the notice). */
  open(): void
  log: {
    info(message: string, fields?: Record<string, unknown>): void
    warn(message: string, fields?: Record<string, unknown>): void
  }
}

/** Installs the listener; returns the last notice's write (awaited in tests) and the notice. */
export function installCloseToTray(
  app: CloseToTrayApp,
  options: CloseToTrayOptions,
): { lastNotice(): Promise<void>; heldNotice(): unknown } {
  let pending: Promise<void> = Promise.resolve()
  // Held so that a click still reaches it: Electron drops the handlers of a collected notice.
  let shown: unknown
  app.on('window-all-closed', () => {
    const action = closeAction({
      platform: options.platform,
      closeToTray: options.closeToTray(),
      trayShown: options.trayShown(),
    })
    if (action === 'quit') return app.quit()
    if (action === 'tray' && !noticeShown(options.dataDir))
      pending = tell(options, (notice) => (shown = notice))
  })
  return { lastNotice: () => pending, heldNotice: () => shown }
}

async function tell(options: CloseToTrayOptions, keep: (notice: unknown) => void): Promise<void> {
  const { Notification } = options
  if (!Notification.isSupported()) {
    // No notification server (some Linux desktops): try again at the next close.
    options.log.info('closed to the tray; desktop notifications are not available to say so')
    return
  }
  const notice = new Notification(stillRunningNotice(options.platform))
  notice.on('click', () => options.open())
  notice.show()
  keep(notice)
  try {
    const file = join(options.dataDir, NOTICES_FILE)
    await writeFile(file, `${JSON.stringify({ closeToTray: new Date().toISOString() })}\n`)
  } catch (error) {
    options.log.warn('could not remember the close-to-tray notice', { error })
  }
}
