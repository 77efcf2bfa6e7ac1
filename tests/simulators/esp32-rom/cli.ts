/**
 * `npm run sim:esp32 -- --link /tmp/esp32 [--chip esp32s3] [--flash-size 4MB]
 *  [--mac 24:0a:c4:12:34:56] [--fault silent|stall:<seq>|vanish:<seq>|badchecksum:<seq>]`
 *
 * Creates a socat pty pair, serves one end with the simulated ROM bootloader and prints
 * the other end's path: point the app (or esptool: `--before no_reset`) at that path.
 */
import { parseArgs } from 'node:util'
import { createPtyPair } from '../pty'
import { Esp32RomSimulator, type SimFaults } from './simulator'

function parseSize(text: string): number {
  const match = /^(\d+)\s*(KB|MB)?$/i.exec(text.trim())
  if (!match) throw new Error(`bad size "${text}" (e.g. 4MB)`)
  const unit = (match[2] ?? '').toUpperCase()
  return Number(match[1]) * (unit === 'MB' ? 1024 * 1024 : unit === 'KB' ? 1024 : 1)
}

function parseFault(text: string | undefined): SimFaults {
  if (!text) return {}
  const [name, arg] = text.split(':')
  const seq = Number(arg ?? 0)
  switch (name) {
    case 'silent':
      return { silent: true }
    case 'stall':
      return { stallAtBlock: seq }
    case 'vanish':
      return { vanishAtBlock: seq }
    case 'badchecksum':
      return { badChecksum: { seq, times: 3 } }
    case 'nobaud':
      return { ignoreBaudChange: true }
    default:
      throw new Error(`unknown fault "${text}"`)
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      link: { type: 'string' },
      chip: { type: 'string', default: 'ESP32' },
      'flash-size': { type: 'string', default: '4MB' },
      mac: { type: 'string' },
      fault: { type: 'string' },
      verbose: { type: 'boolean', default: false },
    },
  })
  if (!values.link) throw new Error('--link <path> is required (the path the app will open)')
  const pty = await createPtyPair({ hostPath: values.link, devicePath: `${values.link}.sim` })
  const sim = await Esp32RomSimulator.start({
    path: pty.devicePath,
    chip: values.chip,
    flashSize: parseSize(values['flash-size']),
    mac: values.mac,
    faults: parseFault(values.fault),
    pty,
    log: (line) => process.stderr.write(`${line}\n`),
  })
  process.stdout.write(`${pty.hostPath}\n`)
  process.stderr.write(
    `${sim.chip.name} (MAC ${sim.mac}) waiting for download on ${pty.hostPath}\n`,
  )
  if (values.verbose) sim.on('command', ({ name }) => process.stderr.write(`<- ${name}\n`))
  sim.on('stub-started', () => process.stderr.write('stub running\n'))
  sim.on('app-started', () => process.stderr.write('left the loader (application started)\n'))

  const stop = async () => {
    await sim.close()
    await pty.kill()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  await pty.exited
}

main().catch((error: unknown) => {
  process.stderr.write(`sim:esp32: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
