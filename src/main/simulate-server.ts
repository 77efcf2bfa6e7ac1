/**
 * `npm run simulate -- --server <Web UI URL>`: logins for the virtual devices from a running
 * instance (`npm run serve`, over its token-protected JSON-RPC), and what to tell a person
 * whose broker refused the simulator.
 */
import type { BrokerStatus } from '../shared/contract/broker'
import { connectServer } from './cli/connect-server'

/** Logins are persisted on the server and cost a scrypt hash each: keep the count sane. */
export const MAX_SERVER_LOGINS = 100
/** The server hashes this many at once (libuv's thread pool is 4 by default). */
const ISSUE_PARALLEL = 4

export interface ServerLogins {
  /** The broker to connect to: `--broker`, or the server's plain TCP listener. */
  brokerUrl: string
  credentials: Map<string, { username: string; password: string }>
}

/**
 * Issues (or re-issues: the ids are the same on every run from this machine) one login per
 * virtual device on the server: the broker binds a login to its client id, so devices can't
 * share one.
 */
export async function loginsFromServer(
  serverUrl: string,
  ids: readonly string[],
  brokerUrl: string | undefined,
): Promise<ServerLogins> {
  if (ids.length > MAX_SERVER_LOGINS)
    throw new Error(
      `--server issues one login per device, at most ${MAX_SERVER_LOGINS}; for more, start the app with --anonymous-loopback and leave out --server.`,
    )
  const api = await connectServer(serverUrl)
  try {
    const url = brokerUrl ?? brokerOf(await api.call('broker.status', {}), new URL(serverUrl))
    const credentials = new Map<string, { username: string; password: string }>()
    for (let i = 0; i < ids.length; i += ISSUE_PARALLEL) {
      const batch = ids.slice(i, i + ISSUE_PARALLEL)
      const issued = await Promise.all(
        batch.map((deviceId) => api.call('broker.credentials.issue', { deviceId })),
      )
      batch.forEach((id, j) => credentials.set(id, issued[j]!))
    }
    return { brokerUrl: url, credentials }
  } finally {
    await api.close()
  }
}

/** The server's broker as seen from here: its TCP port on the host the Web UI answered on. */
function brokerOf(status: BrokerStatus, server: URL): string {
  const tcp = status.listeners.find((l) => l.kind === 'tcp')
  if (!status.running || !tcp)
    throw new Error(
      `The app at ${server.host} runs no built-in broker; pass --broker with the broker to use.`,
    )
  const bound = tcp.host === '0.0.0.0' || tcp.host === '::' ? server.hostname : tcp.host
  const host = bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound
  return `mqtt://${host}:${tcp.port}`
}

/** What to do when the broker refused the simulator's connection; null for other errors. */
export function loginHint(message: string, firstId: string): string | null {
  if (!/not authori[sz]ed|bad user ?name or password/i.test(message)) return null
  return `The broker wants a login. Either:
  - let the simulator get its own logins from the running app (the Web UI address with its
    token, as \`npm run serve\` prints it):
      npm run simulate -- --server "http://127.0.0.1:5180/?token=…"
  - or allow password-less tools from this computer: start the app with
      npm run serve -- --anonymous-loopback
    (desktop app: Settings → Broker → allow anonymous connections from this computer)
  - or, for one device, create a login for device id "${firstId}" on the Broker screen
    (Device logins → Create login) and pass --devices 1 --username ${firstId} --password …
    (a login is bound to its device id, which is also the MQTT client id)
`
}
