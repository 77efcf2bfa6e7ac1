/**
 * The contract over Electron IPC: one invoke channel for every method (the core's dispatcher
 * validates each call against its zod schema before a handler runs) and one channel for
 * events to the window. Only the app's own page may call: the sender's frame URL is checked
 * on every call, not once.
 */
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallOutcome } from '../../shared/api'
import type { PagePolicy } from './page-policy'

export interface InvokeEvent {
  readonly senderFrame: { readonly url: string } | null
}

/** The part of Electron's ipcMain this module uses. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEvent, ...args: unknown[]) => Promise<CallOutcome> | CallOutcome,
  ): void
  removeHandler(channel: string): void
}

export interface CallTarget {
  call(method: unknown, params: unknown): Promise<CallOutcome>
}

export interface EventSource {
  onAny(listener: (name: string, payload: unknown) => void): () => void
}

export interface EventSink {
  isDestroyed(): boolean
  readonly webContents: { send(channel: string, ...args: unknown[]): void }
}

const REFUSED: CallOutcome = {
  ok: false,
  error: { code: 'PERMISSION_DENIED', message: 'Call from a page that is not the app.' },
}

/** Registers the call handler; returns its removal (quit). */
export function registerIpc(
  ipcMain: IpcMainLike,
  core: CallTarget,
  policy: PagePolicy,
): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, (event, method, params) => {
    // senderFrame is null once the frame navigated away or was destroyed.
    if (!event.senderFrame || !policy.isOwnPage(event.senderFrame.url)) return REFUSED
    return core.call(method, params)
  })
  return () => ipcMain.removeHandler(IPC_CALL_CHANNEL)
}

/** Forwards every core event to the current window (if any); returns the unsubscription. */
export function forwardEvents(
  events: EventSource,
  window: () => EventSink | undefined,
): () => void {
  return events.onAny((name, payload) => {
    const win = window()
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, name, payload)
  })
}
