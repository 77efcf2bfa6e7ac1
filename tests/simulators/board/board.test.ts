/**
 * The board simulator on its own: one pty that is a ROM bootloader until the flash holds
 * MicroPython, then a MicroPython REPL; an erased flash boot-loops like a real ESP32.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SerialPort } from 'serialport'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir'
import { buildMicroPythonLikeFirmware } from '../esp32-rom/firmware-image'
import { BoardSimulator } from './board-simulator'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

async function board(): Promise<BoardSimulator> {
  const dir = await tempDir('board-sim-')
  const sim = await BoardSimulator.start({ hostPath: join(dir.path, 'tty'), firmware: 'none' })
  cleanups.push(async () => {
    await sim.close()
    await dir.cleanup()
  })
  return sim
}

/** Opens the host side and collects what the board prints. */
async function listen(
  path: string,
): Promise<{ text: () => string; until: (re: RegExp) => Promise<void>; port: SerialPort }> {
  const port = await new Promise<SerialPort>((res, rej) => {
    const p = new SerialPort({ path, baudRate: 115200 }, (e) => (e ? rej(e) : res(p)))
  })
  cleanups.push(() => new Promise((res) => port.close(() => res())))
  let text = ''
  const waiters: Array<() => void> = []
  port.on('data', (d: Buffer) => {
    text += d.toString('latin1')
    for (const w of waiters.splice(0)) w()
  })
  return {
    port,
    text: () => text,
    until: async (re) => {
      while (!re.test(text)) await new Promise<void>((r) => waiters.push(r))
    },
  }
}

describe('board simulator', () => {
  it('boot-loops with "invalid header" when the flash is erased', async () => {
    const sim = await board()
    const host = await listen(sim.hostPath)
    await sim.pressReset('app')
    expect(sim.mode).toBe('boot-loop')
    await host.until(/invalid header: 0xffffffff[\s\S]*invalid header: 0xffffffff/)
  })

  it('boots MicroPython from flash on the same pty, and keeps its files across a replug', async () => {
    const sim = await board()
    sim.flash.data.set(
      buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 8192, version: 'v1.25.0' }),
      0x1000,
    )
    const host = await listen(sim.hostPath)
    await sim.pressReset('app')
    await sim.until('micropython')
    host.port.write('\r')
    await host.until(/MicroPython v1\.25\.0 on [\s\S]*>>> /)
    sim.micropython!.writeFile('/hello.txt', 'hi')
    await sim.replug()
    expect(sim.mode).toBe('rom')
    await sim.pressReset('app')
    await sim.until('micropython')
    expect(sim.boardFiles().get('/hello.txt')?.toString()).toBe('hi')
  })

  it('`npm run sim:board -- --link PATH` prints the path to open', async () => {
    const dir = await tempDir('board-cli-')
    const link = join(dir.path, 'esp32')
    const root = resolve(__dirname, '../../..')
    // The package.json script itself, exec'd so SIGTERM reaches node (npm does not forward it).
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>
    }
    const child = spawn('sh', ['-c', `exec ${scripts['sim:board']} --link ${link}`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const printed = await new Promise<string>((res) =>
      child.stdout.on('data', (d: Buffer) => res(d.toString().trim())),
    )
    expect(printed).toBe(link)
    const exited = new Promise((res) => child.on('exit', res))
    child.kill('SIGTERM')
    await exited
    await dir.cleanup()
  })
})
