/**
 * What the page gets as window.api: call(method, params) and on(event, fn), nothing else.
 * Only contract names pass; raw ipcRenderer never reaches the page. Built over an injected
 * ipcRenderer so it is tested in plain Node.
 */
import {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  isEventName,
  isMethodName,
  type CallOutcome,
} from '../shared/api'

type EventHandler = (event: unknown, name: unknown, payload: unknown) => void

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>
  on(channel: string, listener: EventHandler): unknown
  removeListener(channel: string, listener: EventHandler): unknown
}

export interface PreloadBridge {
  call(method: unknown, params: unknown): Promise<CallOutcome>
  on(event: unknown, listener: (payload: unknown) => void): () => void
}

export function createBridge(ipcRenderer: IpcRendererLike): PreloadBridge {
  return {
    call: (method, params) => {
      if (!isMethodName(method)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'METHOD_NOT_FOUND', message: `Unknown method "${String(method)}".` },
        })
      }
      return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<CallOutcome>
    },
    on: (event, listener) => {
      if (!isEventName(event) || typeof listener !== 'function') return () => undefined
      const handler: EventHandler = (_e, name, payload) => {
        if (name === event) listener(payload)
      }
      ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
      return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    },
  }
}
