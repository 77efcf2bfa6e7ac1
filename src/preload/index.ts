/**
 * Exposes exactly the contract as window.api: call(method, params) and on(event, fn).
 * Only contract names pass; raw ipcRenderer never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  isEventName,
  isMethodName,
  type CallOutcome,
} from '../shared/api'

const bridge = {
  call: (method: unknown, params: unknown): Promise<CallOutcome> => {
    if (!isMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'METHOD_NOT_FOUND', message: `Unknown method "${String(method)}".` },
      })
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params) as Promise<CallOutcome>
  },
  on: (event: unknown, listener: (payload: unknown) => void): (() => void) => {
    if (!isEventName(event) || typeof listener !== 'function') return () => undefined
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown): void => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
  },
}

export type PreloadBridge = typeof bridge

contextBridge.exposeInMainWorld('api', bridge)
