import { LONG_RUNNING_METHODS, type ApiClient, type EventName, type MethodName } from '@shared/api'
import { ApiError, ApiErrorShape } from '@shared/errors'

export type ConnectionState = 'connecting' | 'open' | 'closed'

interface Pending {
  resolve(value: unknown): void
  reject(error: unknown): void
}

const CALL_TIMEOUT_MS = 60_000

/**
 * ApiClient over JSON-RPC 2.0 on a WebSocket (web mode). Reconnects with backoff;
 * calls made while disconnected wait for the socket rather than failing at once.
 */
export class WebSocketClient implements ApiClient {
  private socket?: WebSocket
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, Set<(payload: never) => void>>()
  private readonly stateListeners = new Set<(state: ConnectionState) => void>()
  private state: ConnectionState = 'connecting'
  private attempt = 0
  private opened?: Promise<WebSocket>

  constructor(private readonly url: string) {
    this.connect()
  }

  get connectionState(): ConnectionState {
    return this.state
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener)
    return () => this.stateListeners.delete(listener)
  }

  async call<M extends MethodName>(method: M, params: unknown): Promise<never> {
    const socket = await this.opened
    if (!socket) throw new ApiError('UNAVAILABLE', 'Not connected to the app.')
    const id = this.nextId++
    return new Promise<never>((resolve, reject) => {
      // Long-running methods end when they end (or the socket drops); their progress comes as events.
      const timer = LONG_RUNNING_METHODS.has(method)
        ? undefined
        : setTimeout(() => {
            this.pending.delete(id)
            reject(new ApiError('TIMEOUT', `${method} did not answer in time.`))
          }, CALL_TIMEOUT_MS)
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer)
          resolve(value as never)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    })
  }

  on<E extends EventName>(event: E, listener: (payload: never) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  private setState(state: ConnectionState): void {
    this.state = state
    for (const listener of this.stateListeners) listener(state)
  }

  private connect(): void {
    this.setState('connecting')
    this.opened = new Promise<WebSocket>((resolve) => {
      const socket = new WebSocket(this.url)
      socket.onopen = () => {
        this.attempt = 0
        this.socket = socket
        this.setState('open')
        resolve(socket)
      }
      socket.onmessage = (message) => this.receive(String(message.data))
      socket.onclose = () => {
        this.socket = undefined
        for (const pending of this.pending.values()) {
          pending.reject(new ApiError('UNAVAILABLE', 'Connection to the app was lost.'))
        }
        this.pending.clear()
        this.setState('closed')
        const delay = Math.min(10_000, 500 * 2 ** this.attempt++)
        setTimeout(() => this.connect(), delay)
      }
    })
  }

  private receive(text: string): void {
    let parsed: RpcMessage | RpcMessage[]
    try {
      parsed = JSON.parse(text)
    } catch {
      return
    }
    // Events emitted together arrive as one JSON-RPC batch (an array of notifications).
    if (Array.isArray(parsed)) for (const message of parsed) this.handle(message)
    else this.handle(parsed)
  }

  private handle(message: RpcMessage): void {
    if (typeof message !== 'object' || message === null) return
    if (typeof message.method === 'string') {
      for (const listener of this.listeners.get(message.method) ?? []) {
        ;(listener as (payload: unknown) => void)(message.params)
      }
      return
    }
    if (typeof message.id !== 'number') return
    const pending = this.pending.get(message.id)
    if (!pending) return
    this.pending.delete(message.id)
    if (message.error) {
      const shape = ApiErrorShape.safeParse(message.error.data)
      pending.reject(
        shape.success
          ? ApiError.from(shape.data)
          : new ApiError('INTERNAL', message.error.message ?? 'Unknown error'),
      )
    } else {
      pending.resolve(message.result)
    }
  }
}

interface RpcMessage {
  id?: number
  method?: string
  params?: unknown
  result?: unknown
  error?: { data?: unknown; message?: string }
}
