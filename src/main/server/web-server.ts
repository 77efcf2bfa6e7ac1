import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventName } from '../../shared/api'
import type { Core } from '../core/create-core'
import type { Logger } from '../core/base/logger'
import { isAllowedOrigin, isAuthorized, TOKEN_COOKIE } from './auth'
import {
  CallGate,
  eventNotification,
  handleJsonRpcMessage,
  jsonRpcError,
  MAX_MESSAGE_BYTES,
} from './json-rpc'
import { readStaticFile } from './static-files'
import { serveExport } from '../core/export/http-export'

const EXPORT_PATH = /^\/export\.(csv|json)$/

export interface WebServerOptions {
  core: Pick<Core, 'call' | 'events'> & { integrations?: Pick<Core['integrations'], 'exporter'> }
  staticDir: string
  host: string
  port: number
  token: string
  logger: Logger
}

/** Same policy as the Electron window: only our own scripts, our own socket. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token travels in the first URL; never leak it to other sites.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
}

/** A client too slow to drain its socket stops receiving live events rather than eating memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024
/** Event frames stay well under what a browser parses without a hitch. */
const MAX_FRAME_CHARS = 512 * 1024

/**
 * Calls one connection runs at once; the rest wait their turn. With 10,000 devices one
 * `devices.list` builds ~10 MB of objects, so this bounds a client's share of the heap.
 */
export const MAX_CALLS_IN_FLIGHT = 16
/** Messages received and not yet answered before the server stops reading the socket. */
const PAUSE_AT_UNANSWERED = 32
/**
 * Reading stops at PAUSE_AT_UNANSWERED, but frames already read still arrive; a client
 * past this many unanswered messages gets an error for each instead of a place in line.
 */
export const MAX_UNANSWERED_MESSAGES = 1000
/** Replies the client has not read yet; past this, the server stops reading its requests. */
const MAX_UNREAD_REPLY_BYTES = 32 * 1024 * 1024

/** Serialised notifications → frames: one object alone, else arrays of at most MAX_FRAME_CHARS. */
export function batchFrames(notifications: readonly string[]): string[] {
  if (notifications.length === 1) return [notifications[0]!]
  const frames: string[] = []
  let part: string[] = []
  let size = 0
  for (const n of notifications) {
    if (part.length > 0 && size + n.length > MAX_FRAME_CHARS) {
      frames.push(`[${part.join(',')}]`)
      part = []
      size = 0
    }
    part.push(n)
    size += n.length + 1
  }
  if (part.length > 0) frames.push(`[${part.join(',')}]`)
  return frames
}

/**
 * Web mode: serves the built renderer and the contract as JSON-RPC 2.0 over a
 * WebSocket at /rpc. Every request must present the token.
 */
export class WebServer {
  private server?: Server
  private wss?: WebSocketServer
  private readonly clients = new Set<WebSocket>()
  private outbox: string[] = []
  private unsubscribe?: () => void

  constructor(private readonly options: WebServerOptions) {}

  async start(): Promise<{ host: string; port: number; url: string }> {
    const { host, port, token, logger } = this.options
    const server = createServer((req, res) => void this.handleHttp(req, res))
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES * 4 })
    this.server = server
    this.wss = wss
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== '/rpc' || !isAllowedOrigin(req) || !isAuthorized(req, url, token)) {
        logger.warn('refused WebSocket upgrade', { path: url.pathname, origin: req.headers.origin })
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
        return
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws))
    })
    this.unsubscribe = this.options.core.events.onAny((event, payload) =>
      this.broadcast(event, payload),
    )
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    const address = server.address() as AddressInfo
    const shownHost = host.includes(':') ? `[${host}]` : host
    return {
      host,
      port: address.port,
      url: `http://${shownHost}:${address.port}/?token=${encodeURIComponent(token)}`,
    }
  }

  async close(): Promise<void> {
    this.unsubscribe?.()
    for (const ws of this.clients) ws.terminate()
    this.wss?.close()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    )
    this.server?.closeAllConnections()
  }

  /**
   * One connection's requests: at most MAX_CALLS_IN_FLIGHT calls run at once; while many
   * messages wait or many reply bytes sit unread, the socket is not read (TCP pushes back
   * on the client); and whatever happens, the connection gets an answer, never a crash.
   */
  private attach(ws: WebSocket): void {
    const { logger, core } = this.options
    this.clients.add(ws)
    ws.on('close', () => this.clients.delete(ws))
    ws.on('error', (error) => logger.warn('WebSocket error', { error }))
    const gate = new CallGate(MAX_CALLS_IN_FLIGHT)
    const call = (method: unknown, params: unknown): ReturnType<typeof core.call> =>
      gate.run(() => core.call(method, params))
    let unanswered = 0
    const flowControl = (): void => {
      const busy = unanswered >= PAUSE_AT_UNANSWERED || ws.bufferedAmount > MAX_UNREAD_REPLY_BYTES
      if (busy && !ws.isPaused) ws.pause()
      else if (!busy && ws.isPaused && ws.readyState === ws.OPEN) ws.resume()
    }
    const send = (reply: string): void => {
      if (ws.readyState !== ws.OPEN) return
      // Events emitted before this reply (e.g. a method's last progress event) go first.
      if (this.outbox.length > 0) this.sendOutbox()
      ws.send(reply, () => flowControl())
    }
    ws.on('message', (data, isBinary) => {
      if (unanswered >= MAX_UNANSWERED_MESSAGES) {
        send(
          jsonRpcError(
            'UNAVAILABLE',
            `Too many requests in flight on this connection (${unanswered}): wait for replies before sending more.`,
          ),
        )
        return
      }
      unanswered++
      flowControl()
      const text = isBinary ? '' : data.toString()
      handleJsonRpcMessage(text, call)
        .catch((error: unknown) => {
          logger.error('JSON-RPC message failed', { error })
          return jsonRpcError('INTERNAL', 'The message could not be handled.')
        })
        .then((reply) => {
          unanswered--
          if (reply !== undefined) send(reply)
          flowControl()
        })
        .catch((error: unknown) => logger.error('JSON-RPC reply failed', { error }))
    })
  }

  /**
   * Events emitted in one turn of the event loop go out together as one JSON-RPC batch of
   * notifications per frame (an array; a single event stays a plain object): with thousands
   * of devices, a frame per event costs more in socket writes than the events themselves.
   */
  private broadcast(event: EventName, payload: unknown): void {
    if (this.clients.size === 0) return
    this.outbox.push(eventNotification(event, payload))
    if (this.outbox.length === 1) setImmediate(() => this.sendOutbox())
  }

  private sendOutbox(): void {
    const notifications = this.outbox
    this.outbox = []
    for (const frame of batchFrames(notifications)) {
      for (const ws of this.clients) {
        if (ws.readyState === ws.OPEN && ws.bufferedAmount < MAX_BUFFERED_BYTES) ws.send(frame)
      }
    }
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, SECURITY_HEADERS).end()
      return
    }
    if (!isAuthorized(req, url, this.options.token)) {
      res
        .writeHead(401, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Unauthorized: open the address printed by `npm run serve` (it ends in ?token=…).\n')
      return
    }
    const exporter = this.options.core.integrations?.exporter
    const exportMatch = EXPORT_PATH.exec(url.pathname)
    if (exportMatch && exporter) {
      // Streamed from SQLite: a year of readings never sits in memory.
      await serveExport(exportMatch[1]!, url.searchParams, res, exporter, this.options.logger)
      return
    }
    const file = await readStaticFile(this.options.staticDir, url.pathname)
    if (!file) {
      res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' }).end('Not found\n')
      return
    }
    const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': file.type }
    if (url.searchParams.has('token')) {
      // Later asset requests and the WebSocket carry the cookie instead of the URL token.
      headers['Set-Cookie'] =
        `${TOKEN_COOKIE}=${encodeURIComponent(this.options.token)}; HttpOnly; SameSite=Strict; Path=/`
    }
    res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : file.body)
  }
}
