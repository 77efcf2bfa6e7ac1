/**
 * `npm run cli -- <command>`: the installer and friends without a window.
 *   ports    serial ports (and --catalog)
 *   install  the one-click install (see install-command.ts)
 *   export   readings as CSV/JSON (see cli/export-command.ts)
 *   update   over-the-air firmware updates of boards (see cli/update-command.ts)
 * With --server <Web UI URL> it drives a running `npm run serve`; otherwise it starts the
 * core in this process on --data-dir (default: the app's data folder).
 */
import { version } from '../../package.json'
import { defaultDataDir } from './server/serve-options'
import { connectServer, startLocalCore, type CliApi } from './cli/cli-api'
import { runExportCommand } from './cli/export-command'
import { runInstallCommand } from './cli/install-command'
import { runPortsCommand } from './cli/ports-command'
import { runUpdateCommand } from './cli/update-command'
import { readSecret } from './cli/read-secret'

const USAGE = `Usage: npm run cli -- <command> [options]   (--help after a command for its options)

  ports     list serial ports (--catalog: also the firmware catalog)
  install   flash MicroPython + our firmware onto an ESP32 and wait until it is online
  export    readings as CSV or JSON
  update    update boards over the air (--server URL --device ID… | --all)
`

async function openApi(server: string | undefined, dataDir: string | undefined): Promise<CliApi> {
  if (server) return connectServer(server)
  return startLocalCore(dataDir ?? defaultDataDir(process.env), version)
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  const io = { stdout: process.stdout, stderr: process.stderr, env: process.env }
  switch (command) {
    case 'ports':
      return runPortsCommand(rest, { ...io, openApi })
    case 'install':
      return runInstallCommand(rest, {
        ...io,
        stdin: process.stdin,
        isTTY: process.stderr.isTTY,
        openApi,
        readSecret: (prompt) => readSecret(prompt, process.stdin, process.stderr),
      })
    case 'export':
      return runExportCommand(rest, io)
    case 'update':
      return runUpdateCommand(rest, { ...io, openApi })
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
