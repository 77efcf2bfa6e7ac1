import WebSocket from 'ws'
import type {
  EventName,
  EventPayload,
  MethodName,
  MethodParams,
  MethodResult,
} from '../../shared/api'
import { ApiError, ErrorCode, type ApiErrorShape } from '../../shared/errors'

/** The contract as the CLI uses it, over a WebSocket or in this process. */
export interface CliApi {
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
  /** Where it runs, for the person: "web mode at …" or "in this process (data …)". */
  readonly where: string
  close(): Promise<void>
}

/**
 * Connects to a running web mode: `serverUrl` is the "Web UI: http://…/?token=…" address
 * `npm run serve` prints; the contract is at ws://…/rpc (JSON-RPC 2.0, events as
 * notifications named after the event).
 */
export async function connectServer(serverUrl: string): Promise<CliApi> {
  const url = new URL(serverUrl)
  const token = url.searchParams.get('token')
  if (!token)
    throw new Error(
      '--server needs the full address printed by `npm run serve`, including ?token=…',
    )
  const ws = new WebSocket(`${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/rpc`, {
    headers: { authorization: `Bearer ${token}` },
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', (error) => reject(new Error(`Cannot reach ${url.host}: ${error.message}`)))
    ws.once('unexpected-response', (_req, res) =>
      reject(
        new Error(
          `${url.host} refused the connection (HTTP ${res.statusCode}); is the token right?`,
        ),
      ),
    )
  })
  let nextId = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const listeners = new Map<string, Set<(payload: never) => void>>()
  type Message = {
    id?: number
    method?: string
    params?: unknown
    result?: unknown
    error?: { message: string; data?: ApiErrorShape }
  }
  ws.on('message', (data) => {
    const parsed = JSON.parse(data.toString()) as Message | Message[]
    // Events emitted together arrive as one JSON-RPC batch (an array of notifications).
    for (const message of Array.isArray(parsed) ? parsed : [parsed]) handle(message)
  })
  const handle = (message: Message): void => {
    if (typeof message.method === 'string') {
      for (const listener of listeners.get(message.method) ?? []) listener(message.params as never)
      return
    }
    const waiter = message.id === undefined ? undefined : pending.get(message.id)
    if (!waiter || message.id === undefined) return
    pending.delete(message.id)
    if (message.error) {
      const code = ErrorCode.safeParse(message.error.data?.code)
      waiter.reject(new ApiError(code.success ? code.data : 'INTERNAL', message.error.message))
    } else waiter.resolve(message.result)
  }
  ws.on('close', () => {
    for (const waiter of pending.values())
      waiter.reject(new ApiError('UNAVAILABLE', 'The server closed the connection.'))
    pending.clear()
  })
  return {
    where: `web mode at ${url.host}`,
    call: (method, params) =>
      new Promise((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
      }),
    on: (event, listener) => {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (payload: never) => void)
      return () => set.delete(listener as (payload: never) => void)
    },
    close: async () => {
      ws.close()
    },
  }
}
