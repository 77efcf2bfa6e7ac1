import type { ApiClient } from '@shared/api'
import { createElectronClient } from './electron-client'
import { WebSocketClient, type ConnectionState } from './ws-client'

export interface ClientHandle {
  client: ApiClient
  /** Web mode only: the socket's state, for the "reconnecting" banner. */
  onState?: (listener: (state: ConnectionState) => void) => () => void
  shell: 'electron' | 'web'
}

/**
 * Picks the transport: the preload bridge in Electron, the WebSocket in a browser.
 * The token from the first URL is moved out of the address bar (the server has set a
 * cookie) so it does not end up in screenshots or bookmarks.
 */
export function createClient(): ClientHandle {
  if (window.api) return { client: createElectronClient(window.api), shell: 'electron' }
  const here = new URL(window.location.href)
  if (here.searchParams.has('token')) {
    here.searchParams.delete('token')
    window.history.replaceState(null, '', here.pathname + here.search + here.hash)
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws'
  const ws = new WebSocketClient(`${scheme}://${window.location.host}/rpc`)
  return { client: ws, onState: (listener) => ws.onState(listener), shell: 'web' }
}
