// Serves a simulated MicroPython board on a pty: `npm run sim:repl -- --link /tmp/esp32`
// then open /tmp/esp32 with the app, mpremote (`mpremote connect /tmp/esp32`) or a terminal.
import { parseArgs } from 'node:util'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { createPtyPair } from '../pty'
import { ReplSimulator } from './repl-simulator'

const { values } = parseArgs({
  options: {
    link: { type: 'string', default: '/tmp/esp32-repl' },
    main: { type: 'string', default: 'run' },
    files: { type: 'string' },
    'boot-noise': { type: 'boolean', default: false },
    'refuse-raw': { type: 'boolean', default: false },
    'no-raw-paste': { type: 'boolean', default: false },
    'delay-ms': { type: 'string', default: '0' },
    'enospc-after': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  process.stdout.write(
    'usage: npm run sim:repl -- [--link PATH] [--main run|loop|none] [--files DIR]\n' +
      '         [--boot-noise] [--refuse-raw] [--no-raw-paste] [--delay-ms N] [--enospc-after BYTES]\n',
  )
  process.exit(0)
}

function readTree(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {}
  const walk = (path: string): void => {
    for (const name of readdirSync(path)) {
      const full = join(path, name)
      if (statSync(full).isDirectory()) walk(full)
      else files[`/${relative(dir, full)}`] = readFileSync(full)
    }
  }
  walk(dir)
  return files
}

const link = values.link
const pty = await createPtyPair({ devicePath: `${link}.board`, hostPath: link })
const main = values.main === 'loop' || values.main === 'none' ? values.main : 'run'
const sim = await ReplSimulator.start({
  devicePath: pty.devicePath,
  mainPy: main,
  files: values.files ? readTree(values.files) : {},
  bootNoise: values['boot-noise'],
  refuseRawRepl: values['refuse-raw'],
  rawPaste: !values['no-raw-paste'],
  responseDelayMs: Number(values['delay-ms']),
  faults: values['enospc-after'] ? { enospcAfterBytes: Number(values['enospc-after']) } : {},
})
process.stdout.write(`${link}\n`)
process.stderr.write(`simulated MicroPython board on ${link} (Ctrl-C to stop)\n`)

const stop = async (): Promise<void> => {
  await sim.close()
  await pty.kill()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
void pty.exited.then(() => process.exit(1))
