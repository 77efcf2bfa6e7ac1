/**
 * The session's locks: the Content-Security-Policy header on every response (the same policy
 * web mode sends) and a refusal of every permission a page can ask for but one. The app shows
 * notifications from the main process and opens serial ports in the core; the page only
 * writes to the clipboard (the Copy buttons of the broker screen), and only its own page may.
 */
import type { PagePolicy } from './page-policy'

/** Permissions the app's own page is granted; every other one, and any other page, is refused. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write'])

export interface HeadersDetails {
  responseHeaders?: Record<string, string[]>
}

/** The part of Electron's Session this module uses. */
export interface LockableSession {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: HeadersDetails,
        callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void,
    ): void
  }
  setPermissionRequestHandler(
    handler: (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: { requestingUrl?: string },
    ) => void,
  ): void
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string) => boolean,
  ): void
}

export function lockSession(
  session: LockableSession,
  options: {
    csp: string
    policy: PagePolicy
    log: { warn(message: string, fields?: Record<string, unknown>): void }
  },
): void {
  const { csp, policy, log } = options
  session.webRequest.onHeadersReceived((details, callback) => {
    // Any CSP a response brought is replaced, not merged: ours is the only one.
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    )
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [csp] } })
  })
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted =
      GRANTED_PERMISSIONS.has(permission) && policy.isOwnPage(details.requestingUrl ?? '')
    if (!granted) log.warn('permission request refused', { permission })
    callback(granted)
  })
  // Checks carry only the origin (file:// pages have the opaque "null" or "file://"): the
  // page itself is already pinned by navigation guards, so the permission name decides.
  session.setPermissionCheckHandler((_contents, permission) => GRANTED_PERMISSIONS.has(permission))
}
