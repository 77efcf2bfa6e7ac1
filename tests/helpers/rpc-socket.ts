import WebSocket from 'ws'

/** A JSON-RPC 2.0 client over a real WebSocket, for tests and scripts. */
export class RpcSocket {
  private nextId = 1
  private readonly waiting = new Map<number, (message: Record<string, unknown>) => void>()
  readonly notifications: Array<{ method: string; params: unknown }> = []
  private readonly notificationWaiters: Array<() => void> = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = JSON.parse(data.toString()) as unknown
      // Events emitted together arrive as one batch (an array of notifications).
      for (const item of Array.isArray(parsed) ? parsed : [parsed]) {
        const message = item as Record<string, unknown>
        if (typeof message.method === 'string') {
          this.notifications.push({ method: message.method, params: message.params })
          for (const wake of this.notificationWaiters.splice(0)) wake()
          continue
        }
        const id = message.id as number
        this.waiting.get(id)?.(message)
        this.waiting.delete(id)
      }
    })
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RpcSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers })
      ws.once('open', () => resolve(new RpcSocket(ws)))
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    })
  }

  /** Sends a raw text frame and resolves with the next reply carrying `id`. */
  sendRaw(text: string, id: number | null): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiting.set(id as number, resolve)
      this.ws.send(text)
    })
  }

  request(method: string, params: unknown = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++
    return this.sendRaw(JSON.stringify({ jsonrpc: '2.0', id, method, params }), id)
  }

  /** Calls a method and returns its result, throwing the JSON-RPC error otherwise. */
  async call<T = unknown>(method: string, params: unknown = {}): Promise<T> {
    const reply = await this.request(method, params)
    if (reply.error) throw new Error(JSON.stringify(reply.error))
    return reply.result as T
  }

  /** Resolves with the first notification named `method` matching `predicate`. */
  async waitFor(
    method: string,
    predicate: (params: unknown) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<unknown> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hit = this.notifications.find((n) => n.method === method && predicate(n.params))
      if (hit) return hit.params
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no ${method} notification within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.notificationWaiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  close(): void {
    this.ws.close()
  }
}
