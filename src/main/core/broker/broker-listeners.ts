import { createServer as createHttpServer } from 'node:http'
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { Duplex } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { createWebSocketStream, WebSocketServer } from 'ws'
import type { BrokerListener } from '../../../shared/contract/broker'

export type ConnectionHandler = (stream: Duplex, req?: IncomingMessage) => void

/** A bound listener with its own close() that also drops connections still open. */
export interface OpenListener {
  info: BrokerListener
  /** Set when the wanted port was taken and another was used. */
  warning?: string
  close(): Promise<void>
}

const LABEL: Record<BrokerListener['kind'], string> = {
  tcp: 'MQTT',
  ws: 'MQTT over WebSocket',
  tls: 'MQTT over TLS',
}

export async function openTcpListener(
  handle: ConnectionHandler,
  host: string,
  port: number,
): Promise<OpenListener> {
  return open(
    'tcp',
    createTcpServer((socket) => handle(socket)),
    host,
    port,
  )
}

export async function openTlsListener(
  handle: ConnectionHandler,
  host: string,
  port: number,
  tls: { certPem: string; keyPem: string },
): Promise<OpenListener> {
  const server = createTlsServer(
    { cert: tls.certPem, key: tls.keyPem, minVersion: 'TLSv1.2' },
    (socket) => handle(socket),
  )
  return open('tls', server, host, port)
}

/**
 * MQTT over WebSockets (MQTT 3.1.1 §6): binary frames, subprotocol "mqtt". ws buffers a whole
 * message before the packet size gate sees it, so messages are capped too (ws' default is
 * 100 MiB): one packet of `maxPacketBytes` plus room for a few small ones in the same frame.
 */
export async function openWsListener(
  handle: ConnectionHandler,
  host: string,
  port: number,
  maxPacketBytes: number,
): Promise<OpenListener> {
  const http = createHttpServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' }).end('MQTT over WebSocket only\n')
  })
  const wss = new WebSocketServer({
    server: http,
    maxPayload: maxPacketBytes + 64 * 1024,
    handleProtocols: (protocols) =>
      protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false,
  })
  wss.on('connection', (ws, req) => handle(createWebSocketStream(ws), req))
  const listener = await open('ws', http, host, port)
  const closeHttp = listener.close
  return {
    ...listener,
    close: async () => {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      await closeHttp()
    },
  }
}

/**
 * Listens on `port`; when it is taken (EADDRINUSE) listens on any free port instead and
 * says so in words, rather than leaving the app without a broker.
 */
async function open(
  kind: BrokerListener['kind'],
  server: Server,
  host: string,
  port: number,
): Promise<OpenListener> {
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  let warning: string | undefined
  try {
    await listen(server, host, port)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error
    await listen(server, host, 0)
    const actual = (server.address() as AddressInfo).port
    warning =
      `Port ${port} (${LABEL[kind]}) is already in use — probably another MQTT broker such as Mosquitto. ` +
      `The embedded broker uses port ${actual} instead; devices set up for ${port} will not reach it ` +
      `until that port is free or the broker port is changed in Settings.`
  }
  const actualPort = (server.address() as AddressInfo).port
  return {
    info: { kind, host, port: actualPort, tls: kind === 'tls' },
    warning,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve()
    })
  })
}
