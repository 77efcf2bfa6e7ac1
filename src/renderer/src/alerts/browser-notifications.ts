import { useCallback, useEffect, useState } from 'react'
import type { AlertNotice } from '@shared/contract/alerts'
import { useApi, useShell } from '../api/api-context'

export type NotificationState = 'unsupported' | 'default' | 'granted' | 'denied'

function current(): NotificationState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

/**
 * Browser notifications in web mode. Permission is asked only from a button (browsers
 * ignore or penalise prompts on page load); the desktop app shows its own notifications.
 */
export function useNotificationPermission(): {
  state: NotificationState
  request: () => Promise<void>
} {
  const [state, setState] = useState<NotificationState>(current)
  const request = useCallback(async () => {
    if (typeof Notification === 'undefined') return
    setState(await Notification.requestPermission())
  }, [])
  return { state, request }
}

function show(notice: AlertNotice): void {
  if (current() !== 'granted' || !notice.notify) return
  const { incident } = notice
  const n = new Notification(notice.title, {
    body: notice.body,
    tag: `${incident.ruleId}/${incident.deviceId}`,
  })
  n.onclick = () => {
    window.focus()
    window.location.hash = '#/alerts'
    n.close()
  }
}

/**
 * Shows `alert.fired` / `alert.cleared` as browser notifications while the page is open
 * (web mode only). Mount once near the root of the app.
 */
export function AlertNotifier() {
  const api = useApi()
  const shell = useShell()
  useEffect(() => {
    if (shell !== 'web') return
    const offs = [api.on('alert.fired', show), api.on('alert.cleared', show)]
    return () => offs.forEach((off) => off())
  }, [api, shell])
  return null
}
