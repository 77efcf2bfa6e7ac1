/**
 * `npm run simulate -- --devices N --rate HZ --broker URL [--username U --password P]`:
 * virtual ESP32 devices speaking the firmware's MQTT protocol against any broker.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { systemClock } from './core/base/clock'
import { createLogger } from './core/base/logger'
import { Simulator } from './core/simulator/simulator'
import { DEFAULT_PREFIX } from '../shared/topics'

const USAGE = `Usage: npm run simulate -- [options]

  --devices N        how many virtual devices (default 3)
  --rate HZ          telemetry messages per second per device (default 1)
  --broker URL       broker to connect to (default mqtt://127.0.0.1:1883)
  --username U       username for every device (e.g. an account issued by the app)
  --password P       its password (default: $MQTT_PASSWORD)
  --ca FILE          CA certificate (PEM) for mqtts:// brokers with their own CA
  --prefix P         topic prefix (default iot)
  --help             show this help
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
        username: { type: 'string' },
        password: { type: 'string' },
        ca: { type: 'string' },
        prefix: { type: 'string' },
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
  if (!Number.isInteger(count) || count < 1 || count > 500)
    fail('--devices must be a whole number from 1 to 500.')
  if (!(rate >= 0.01 && rate <= 50)) fail('--rate must be from 0.01 to 50 messages per second.')
  const url = values.broker ?? 'mqtt://127.0.0.1:1883'
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
      credentials: username ? () => ({ username, password: password ?? '' }) : undefined,
    }),
  })
  try {
    await simulator.start(count, rate)
  } catch (error) {
    fail((error as Error).message)
  }
  process.stdout.write(
    `${count} virtual devices publishing ${rate}/s each to ${url} (Ctrl+C to stop)\n`,
  )
  const report = setInterval(
    () => process.stdout.write(`published ${simulator.status().published}\n`),
    10_000,
  )
  const stop = async (): Promise<void> => {
    clearInterval(report)
    await simulator.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

void main()
