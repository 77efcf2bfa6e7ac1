import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventName } from '../../shared/api'
import type { Core } from '../core/create-core'
import type { Logger } from '../core/base/logger'
import { isAllowedOrigin, isAuthorized, TOKEN_COOKIE } from './auth'
import { eventNotification, handleJsonRpcMessage, MAX_MESSAGE_BYTES } from './json-rpc'
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

  private attach(ws: WebSocket): void {
    this.clients.add(ws)
    ws.on('close', () => this.clients.delete(ws))
    ws.on('error', (error) => this.options.logger.warn('WebSocket error', { error }))
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString()
      void handleJsonRpcMessage(text, this.options.core.call).then((reply) => {
        if (reply !== undefined && ws.readyState === ws.OPEN) ws.send(reply)
      })
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
