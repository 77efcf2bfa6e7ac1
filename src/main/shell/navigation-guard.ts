/**
 * Navigation, new windows and webviews for every web contents the app creates: only the
 * app's own page may load. The renderer has no external links, so nothing is handed to the
 * OS browser either (no shell.openExternal: one less way out of the sandbox).
 */
import type { PagePolicy } from './page-policy'

/** What Electron passes to will-navigate / will-frame-navigate / will-redirect listeners. */
export interface NavigationDetails {
  readonly url: string
  preventDefault(): void
}

/** The part of Electron's WebContents this guard uses. */
export interface GuardableContents {
  on(event: 'will-navigate', listener: (details: NavigationDetails) => void): unknown
  on(event: 'will-frame-navigate', listener: (details: NavigationDetails) => void): unknown
  on(event: 'will-redirect', listener: (details: NavigationDetails) => void): unknown
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
}

export interface GuardLog {
  warn(message: string, fields?: Record<string, unknown>): void
}

/** Logged without the query: a refused URL may carry a token. */
function redact(url: string): string {
  return url.replace(/[?#].*$/, '')
}

export function guardContents(
  contents: GuardableContents,
  policy: PagePolicy,
  log: GuardLog,
): void {
  const refuseForeign = (kind: string) => (details: NavigationDetails) => {
    if (policy.isOwnPage(details.url)) return
    details.preventDefault()
    log.warn(`${kind} refused`, { url: redact(details.url) })
  }
  // will-navigate: links and location changes in the main frame; a file dropped on the
  // window also arrives here as a file:// navigation (the drop guard).
  contents.on('will-navigate', refuseForeign('navigation'))
  // will-frame-navigate: the same for iframes (will-navigate does not see them).
  contents.on('will-frame-navigate', refuseForeign('frame navigation'))
  // will-redirect: a server-side redirect away from the dev server.
  contents.on('will-redirect', refuseForeign('redirect'))
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    log.warn('webview refused')
  })
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('new window refused', { url: redact(url) })
    return { action: 'deny' }
  })
}
