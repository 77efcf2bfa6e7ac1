/**
 * Headless web mode (`npm run serve`): the same core as the desktop app, with the
 * renderer served over HTTP and the contract over a token-protected WebSocket.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { version } from '../../package.json'
import { DataDirLockedError } from './core/base/data-lock'
import { createCore, type Core } from './core/create-core'
import { createLogger, stderrSink, type Logger } from './core/base/logger'
import { lanUrls } from './server/lan-urls'
import { RotatingLogFile, teeSink } from './server/log-file'
import { parseServeOptions, SERVE_USAGE, type ServeOptions } from './server/serve-options'
import { WebServer } from './server/web-server'

async function main(): Promise<void> {
  let options
  try {
    options = parseServeOptions(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${SERVE_USAGE}`)
    process.exit(2)
  }
  if (options === 'help') {
    process.stdout.write(SERVE_USAGE)
    return
  }
  // Also into the data folder, rotated (1 MiB × 5 old files): a service's stderr may go nowhere.
  const logFile = new RotatingLogFile({ path: join(options.dataDir, 'logs', 'serve.log') })
  const logger = createLogger({
    level: process.env.IOTCC_LOG === 'debug' ? 'debug' : 'info',
    sink: teeSink(stderrSink, logFile.sink),
  })
  const core = await startCore(options, logger)
  const staticDir = fileURLToPath(new URL('../renderer', import.meta.url))
  const server = new WebServer({ core, staticDir, ...options, logger: logger.child('web') })
  let address
  try {
    address = await server.start()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const hint =
      code === 'EADDRINUSE'
        ? ` Port ${options.port} is in use: pass --port 0 for any free port.`
        : ''
    process.stderr.write(`Could not start the web server: ${(error as Error).message}.${hint}\n`)
    await core.close()
    process.exit(1)
  }
  process.stdout.write(`Web UI: ${address.url}\n`)
  for (const url of lanUrls(address.url, address.host))
    process.stdout.write(`  from the LAN: ${url}\n`)
  if (options.cluster.role !== 'all') process.stdout.write(`Role: ${core.cluster.describe()}\n`)
  for (const warning of core.cluster.warnings(core.history.kind))
    process.stdout.write(`Warning: ${warning}\n`)
  for (const line of brokerLines(core)) process.stdout.write(`${line}\n`)
  for (const warning of core.settings.warnings) process.stdout.write(`Warning: ${warning}\n`)

  let stopping = false
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info(`${signal}: shutting down`)
    await server.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

/**
 * The core on the chosen data folder; exits with code 1 and a message naming the folder and
 * the process holding it when another instance (web mode or the desktop app) has it.
 */
async function startCore(options: ServeOptions, logger: Logger): Promise<Core> {
  try {
    return await createCore({
      dataDir: options.dataDir,
      shell: 'web',
      version,
      logger,
      mqtt: options.mqtt,
      cluster: options.cluster,
      history: options.history,
      // out/main/serve.js → <repo>/firmware: what the installer copies onto boards.
      firmwareDir: fileURLToPath(new URL('../../firmware', import.meta.url)),
      // The broker address written onto boards, when the first LAN address is the wrong one
      // (VPN, Docker bridge) or for a board simulator on this machine (127.0.0.1).
      installer: process.env.IOTCC_ADVERTISED_HOST
        ? { advertisedHost: process.env.IOTCC_ADVERTISED_HOST }
        : undefined,
    })
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error
    process.stderr.write(
      `Could not start: ${error.message}\n(--data-dir DIR runs a separate instance on its own folder.)\n`,
    )
    process.exit(1)
  }
}

/** `MQTT broker: mqtt://HOST:PORT` (what local tools use) plus the addresses devices on the LAN use. */
function brokerLines(core: Core): string[] {
  const broker = core.mqtt.broker
  const lines = core.mqtt.warnings.map((warning) => `Warning: ${warning}`)
  if (!broker?.running) return lines
  const status = broker.status()
  lines.push(`MQTT broker: ${broker.localUrl}`)
  const tcp = status.listeners.find((l) => l.kind === 'tcp')
  if (tcp && (tcp.host === '0.0.0.0' || tcp.host === '::')) {
    for (const ip of status.lanAddresses)
      lines.push(`  devices on the LAN: mqtt://${ip}:${tcp.port}`)
  }
  for (const l of status.listeners.filter((l) => l.kind !== 'tcp')) {
    lines.push(
      `  ${l.kind === 'ws' ? 'WebSocket' : 'TLS'}: ${l.kind === 'ws' ? 'ws' : 'mqtts'}://${l.host}:${l.port}`,
    )
  }
  if (status.anonymousLoopback) lines.push('  anonymous clients allowed from 127.0.0.1')
  return lines
}

void main()
