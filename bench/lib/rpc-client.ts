/**
 * JSON-RPC 2.0 over the app's WebSocket at /rpc (src/main/server/), as the web UI talks to
 * it. Unlike tests/helpers/rpc-socket.ts it keeps no notifications and times calls out, and
 * by default it opens a socket per call: web mode broadcasts every event to every open
 * socket, and a bench should measure the data path, not the cost of a UI it does not have
 * (the `ui` bench measures that).
 */
import WebSocket from 'ws'

export class RpcError extends Error {
  readonly code: string | number
  constructor(code: string | number, message: string) {
    super(message)
    this.code = code
  }
}

export class AppRpc {
  private nextId = 1
  private socket: WebSocket | undefined
  private readonly url: string
  private readonly keepOpen: boolean

  /** `url` is ws://HOST:PORT/rpc?token=…; `keepOpen` holds one socket (and receives events). */
  constructor(url: string, keepOpen = false) {
    this.url = url
    this.keepOpen = keepOpen
  }

  /** Calls a method; rejects with RpcError for a JSON-RPC error, Error on timeout. */
  async call<T = unknown>(method: string, params: unknown = {}, timeoutMs = 60_000): Promise<T> {
    const ws = this.socket ?? (await this.open())
    const id = this.nextId++
    try {
      return await new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          ws.off('message', onMessage)
          reject(new Error(`${method}: no reply within ${timeoutMs} ms`))
        }, timeoutMs)
        const onMessage = (data: WebSocket.RawData): void => {
          const text = data.toString()
          // Cheap filter: notifications carry no id, and most traffic is notifications.
          if (!text.includes(`"id":${id}`)) return
          const message = JSON.parse(text) as {
            id?: number
            result?: T
            error?: { code: string | number; message: string; data?: { code?: string } }
          }
          if (message.id !== id) return
          clearTimeout(timer)
          ws.off('message', onMessage)
          if (message.error)
            reject(
              new RpcError(message.error.data?.code ?? message.error.code, message.error.message),
            )
          else resolve(message.result as T)
        }
        ws.on('message', onMessage)
        ws.once('close', () => reject(new Error(`${method}: socket closed`)))
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
      })
    } finally {
      if (!this.keepOpen) ws.close()
    }
  }

  close(): void {
    this.socket?.close()
    this.socket = undefined
  }

  private open(): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url)
      ws.once('open', () => {
        if (this.keepOpen) this.socket = ws
        resolve(ws)
      })
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`/rpc refused the WebSocket: HTTP ${res.statusCode}`)),
      )
    })
  }
}

/** A WebSocket that only receives the app's events, as an open browser tab does. */
export interface EventWatcher {
  /** Frames and bytes received so far. */
  frames: number
  bytes: number
  close(): void
}

/**
 * Opens /rpc and reads (and drops) every event the app broadcasts: the cost a person with the
 * UI open adds, without a browser. The UI also calls methods; this adds only the events.
 */
export function watchEvents(url: string): Promise<EventWatcher> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    const watcher: EventWatcher = { frames: 0, bytes: 0, close: () => ws.close() }
    ws.on('message', (data: WebSocket.RawData) => {
      watcher.frames++
      watcher.bytes += (data as Buffer).length
    })
    ws.once('open', () => resolve(watcher))
    ws.once('error', reject)
  })
}
