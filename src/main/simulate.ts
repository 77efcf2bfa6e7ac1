/**
 * `npm run simulate -- --devices N --rate HZ --broker URL [--id-prefix P] [--username U …]`
 * or `--server <Web UI URL>`: up to 10,000 virtual ESP32 devices speaking the firmware's MQTT
 * protocol against any broker.
 */
import { readFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { systemClock } from './core/base/clock'
import { createLogger } from './core/base/logger'
import {
  claimIdPrefix,
  hostIdPrefix,
  isValidIdPrefix,
  type PrefixClaim,
} from './core/simulator/id-prefix'
import { MAX_DEVICES, Simulator, simulatorIds } from './core/simulator/simulator'
import {
  loginHint,
  loginsFromServer,
  MAX_SERVER_LOGINS,
  type ServerLogins,
} from './simulate-server'
import { DEFAULT_PREFIX } from '../shared/topics'

/** One process publishes at most this many messages per second in total (devices × rate). */
const MAX_TOTAL_RATE = 20_000

const USAGE = `Usage: npm run simulate -- [options]

  --devices N        how many virtual devices, 1 to ${MAX_DEVICES.toLocaleString('en-US')} (default 3)
  --rate HZ          telemetry messages per second per device (default 1; devices × rate
                     at most ${MAX_TOTAL_RATE.toLocaleString('en-US')}/s)
  --broker URL       broker to connect to (default mqtt://127.0.0.1:1883, or the
                     --server app's own broker)
  --server URL       a running app's Web UI address with its token, as \`npm run serve\`
                     prints it: each device gets its own login from that app (at most
                     ${MAX_SERVER_LOGINS} devices; they are listed, and can be revoked, on its
                     Broker screen). Without it, the broker must allow the simulator in:
                     --username/--password, or the app started with --anonymous-loopback
  --id-prefix P      device ids are P001, P002, … (P00001 … past 999 devices). Default
                     sim-<host>-, plus 2-, 3-, … while another copy on this machine uses it,
                     so two copies never share client ids (the broker would keep kicking one)
                     and the same machine gets the same devices back next time
  --username U       username for every device (e.g. an account issued by the app)
  --password P       its password (default: $MQTT_PASSWORD)
  --ca FILE          CA certificate (PEM) for mqtts:// brokers with their own CA
  --prefix P         topic prefix (default iot)
  --help             show this help

Each device is its own MQTT connection (Last Will, retained status and info, cmd
subscription, QoS 1 telemetry, acks to commands), so N devices need N open files:
raise \`ulimit -n\` for thousands. Devices connect 50 at a time and report at spread-out
moments within each period.
`

async function main(): Promise<void> {
  let values
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: {
        devices: { type: 'string' },
        rate: { type: 'string' },
        broker: { type: 'string' },
        server: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        ca: { type: 'string' },
        prefix: { type: 'string' },
        'id-prefix': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    process.exit(2)
  }
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  const count = Number(values.devices ?? 3)
  const rate = Number(values.rate ?? 1)
  if (!Number.isInteger(count) || count < 1 || count > MAX_DEVICES)
    fail(`--devices must be a whole number from 1 to ${MAX_DEVICES}.`)
  if (!(rate >= 0.01 && rate <= 50)) fail('--rate must be from 0.01 to 50 messages per second.')
  if (count * rate > MAX_TOTAL_RATE)
    fail(
      `--devices × --rate is ${count * rate}/s; one process simulates at most ${MAX_TOTAL_RATE}/s.`,
    )
  const idPrefix = values['id-prefix']
  if (idPrefix !== undefined && !isValidIdPrefix(idPrefix))
    fail('--id-prefix may use letters, digits, "_", "." and "-" (at most 48).')
  checkOpenFiles(count)
  if (values.server && values.username)
    fail('--server issues a login per device; leave out --username/--password.')
  const claim: PrefixClaim = idPrefix
    ? { prefix: idPrefix, release: () => undefined }
    : claimIdPrefix(hostIdPrefix(hostname()), join(tmpdir(), 'iotcc-simulate'))
  let fromServer: ServerLogins | undefined
  if (values.server) {
    try {
      fromServer = await loginsFromServer(
        values.server,
        simulatorIds(claim.prefix, count),
        values.broker,
      )
    } catch (error) {
      claim.release()
      fail((error as Error).message)
    }
    process.stderr.write(`${fromServer.credentials.size} device logins issued by the app\n`)
  }
  const url = fromServer?.brokerUrl ?? values.broker ?? 'mqtt://127.0.0.1:1883'
  const username = values.username
  const password = values.password ?? process.env.MQTT_PASSWORD
  const ca = values.ca ? readFileSync(values.ca, 'utf8') : undefined
  const logger = createLogger({
    level: process.env.IOTCC_LOG === 'debug' ? 'debug' : 'warn',
    scope: 'simulate',
  })
  const simulator = new Simulator({
    prefix: () => values.prefix ?? DEFAULT_PREFIX,
    clock: systemClock,
    logger,
    target: () => ({
      url,
      ca,
      credentials: fromServer
        ? (id) => fromServer.credentials.get(id) ?? { username: id, password: '' }
        : username
          ? () => ({ username, password: password ?? '' })
          : undefined,
    }),
  })
  let lastProgress = 0
  try {
    await simulator.start(count, rate, {
      idPrefix: claim.prefix,
      onConnected: (connected, total) => {
        const now = Date.now()
        if (total < 200 || (now - lastProgress < 1000 && connected < total)) return
        lastProgress = now
        process.stderr.write(`connected ${connected}/${total}\n`)
      },
    })
  } catch (error) {
    claim.release()
    const message = (error as Error).message
    const hint = loginHint(message, simulatorIds(claim.prefix, 1)[0] ?? claim.prefix)
    fail(hint ? `${message}\n\n${hint}` : message)
  }
  const [first, last] = [simulator.status().devices[0], simulator.status().devices.at(-1)]
  process.stdout.write(
    `${count} virtual devices (${first}${count > 1 ? ` … ${last}` : ''}) publishing ${rate}/s each to ${url} (Ctrl+C to stop)\n`,
  )
  const report = setInterval(
    () =>
      process.stdout.write(
        `published ${simulator.status().published}, ${simulator.connectedCount()}/${count} connected\n`,
      ),
    10_000,
  )
  const stop = async (): Promise<void> => {
    clearInterval(report)
    await simulator.stop()
    claim.release()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

/** N devices are N sockets: say so up front rather than failing at device 1,021 with EMFILE. */
function checkOpenFiles(count: number): void {
  let limits: string
  try {
    limits = readFileSync('/proc/self/limits', 'utf8')
  } catch {
    return // not Linux: let the OS say it
  }
  const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1]
  if (soft !== undefined && Number(soft) < count + 50)
    fail(
      `${count} devices need about ${count + 50} open files; this shell allows ${soft}. Raise it first (e.g. \`ulimit -n ${Math.max(count + 50, 20_000)}\`).`,
    )
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

void main()
