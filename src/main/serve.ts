/**
 * Headless web mode (`npm run serve`): the same core as the desktop app, with the
 * renderer served over HTTP and the contract over a token-protected WebSocket.
 */
import { fileURLToPath } from 'node:url'
import { version } from '../../package.json'
import { createCore } from './core/create-core'
import { createLogger } from './core/base/logger'
import { parseServeOptions, SERVE_USAGE } from './server/serve-options'
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
  const logger = createLogger({ level: process.env.IOTCC_LOG === 'debug' ? 'debug' : 'info' })
  const core = await createCore({ dataDir: options.dataDir, shell: 'web', version, logger })
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

void main()
