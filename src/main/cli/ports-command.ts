import { parseArgs } from 'node:util'
import type { CliApi } from './cli-api'
import type { CliIo } from './export-command'

export const PORTS_USAGE = `Usage: npm run cli -- ports [--catalog] [--server URL | --data-dir DIR]

  Lists serial ports (likely ESP32 boards first). --catalog also lists the firmware catalog.
`

export async function runPortsCommand(
  argv: string[],
  io: CliIo & {
    openApi: (server: string | undefined, dataDir: string | undefined) => Promise<CliApi>
  },
): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        catalog: { type: 'boolean' },
        server: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${PORTS_USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout.write(PORTS_USAGE)
    return 0
  }
  const api = await io.openApi(values.server, values['data-dir'])
  try {
    const ports = await api.call('flasher.listPorts', {})
    if (ports.length === 0)
      io.stdout.write('No serial ports found. Plug the board in with a data-capable USB cable.\n')
    for (const p of [...ports].sort((a, b) => Number(b.likelyEsp) - Number(a.likelyEsp))) {
      const access = p.accessible === false ? '  (no permission: see docs/installer.md)' : ''
      io.stdout.write(`${p.path}\t${p.friendlyName}${p.likelyEsp ? '  [ESP32?]' : ''}${access}\n`)
    }
    if (values.catalog) {
      for (const entry of await api.call('firmware.catalog', {})) {
        io.stdout.write(`${entry.id}\t${entry.chip}\t${entry.name} ${entry.version}\n`)
      }
    }
    return 0
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`)
    return 1
  } finally {
    await api.close()
  }
}
