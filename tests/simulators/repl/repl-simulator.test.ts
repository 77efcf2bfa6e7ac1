import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { ByteReader } from '../../../src/main/core/provisioning/byte-reader'
import {
  openNodeSerialLink,
  type SerialLink,
} from '../../../src/main/core/provisioning/serial-link'
import { startSimulatedBoard, type SimulatedBoard } from './repl-simulator'

// The simulator against the byte sequences of shared/runtime/pyexec.c and ports/esp32/main.c,
// driven by hand (no REPL client), so the client tests run against a faithful board.

const BANNER =
  'MicroPython v1.24.1 on 2024-11-29; Generic ESP32 module with ESP32\r\n' +
  'Type "help()" for more information.\r\n'

let board: SimulatedBoard | null = null
let link: SerialLink | null = null

async function connect(options: Parameters<typeof startSimulatedBoard>[0] = {}) {
  board = await startSimulatedBoard(options)
  link = await openNodeSerialLink(board.hostPath)
  const reader = new ByteReader(link, systemClock)
  const send = (text: string) => link!.write(Buffer.from(text, 'latin1'))
  const until = async (marker: string) =>
    (await reader.readUntil(marker, 3000, JSON.stringify(marker))).toString('latin1') + marker
  // Start from a fresh prompt, whatever of the power-on output reached us.
  await send('\x03')
  await until('>>> ')
  await reader.settle(100, 1000)
  return { sim: board.sim, reader, send, until }
}

afterEach(async () => {
  await link?.close()
  await board?.close()
  link = null
  board = null
})

describe('simulated MicroPython REPL', () => {
  it('enters raw REPL, executes and answers OK <stdout> 0x04 <stderr> 0x04 >', async () => {
    const { send, until } = await connect()
    await send('\x01')
    expect(await until('>')).toBe('\r\nraw REPL; CTRL-B to exit\r\n>')
    await send('print(6 * 7)\x04')
    expect(await until('>')).toBe('OK42\r\n\x04\x04>')
    await send('import os\nos.stat("nope")\x04')
    expect(await until('\x04>')).toBe(
      'OK\x04Traceback (most recent call last):\r\n' +
        '  File "<stdin>", line 2, in <module>\r\n' +
        'OSError: [Errno 2] ENOENT\r\n\x04>',
    )
  })

  it('offers raw-paste with a window and acknowledges the end of data', async () => {
    const { send, until, reader } = await connect({ pasteWindow: 128 })
    await send('\x01')
    await until('>')
    await send('\x05A\x01')
    const header = await reader.readBytes(5, 2000, 'raw-paste header')
    expect([...header]).toEqual([0x52, 0x01, 0x80, 0x00, 0x01])
    await send('print("pasted")\x04')
    expect(await until('>')).toBe('\x04pasted\r\n\x04\x04>')
  })

  it('counts bytes a host sends beyond its raw-paste window', async () => {
    const { sim, send, until } = await connect({ pasteWindow: 16, pasteConsumeDelayMs: 20 })
    await send('\x01')
    await until('>')
    await send('\x05A\x01')
    await until('\x01')
    await send(`x = "${'a'.repeat(200)}"`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(sim.stats.flowViolations).toBeGreaterThan(0)
  })

  it('soft-resets on Ctrl-D and runs main.py in friendly mode only', async () => {
    const { send, until } = await connect({ files: { '/main.py': 'print("main ran")\n' } })
    await send('\x04')
    expect(await until('>>> ')).toBe(`\r\nMPY: soft reboot\r\nmain ran\r\n${BANNER}>>> `)
    await send('\x01')
    await until('>')
    await send('\x04')
    expect(await until('>')).toBe('OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>')
  })

  it('keeps a looping main.py running until Ctrl-C gets through', async () => {
    const { sim, send, until } = await connect({
      loop: { intervalMs: 10, line: (n) => `tick ${n}`, swallowInterrupts: 1 },
    })
    sim.writeFile('/main.py', 'while True: pass\n')
    sim.options.mainPy = 'loop'
    await send('\x04')
    await until('tick 2\r\n')
    await send('\x03')
    await until('tick 5\r\n') // the first Ctrl-C was caught by the program
    await send('\x03')
    const tail = await until('>>> ')
    expect(tail).toContain('KeyboardInterrupt: \r\n' + BANNER)
    expect(sim.stats.interrupts).toBe(2)
    await send('\x01')
    await until('raw REPL; CTRL-B to exit\r\n>')
  })

  it('reports a full filesystem as OSError 28 like littlefs on an ESP32', async () => {
    const { sim, send, until } = await connect({ faults: {} })
    sim.faults.enospcAfterBytes = 10
    await send('\x01')
    await until('>')
    await send("f = open('big', 'wb')\nf.write(b'x' * 100)\x04")
    expect(await until('\x04>')).toContain('\r\nOSError: 28\r\n\x04>')
  })

  it('can refuse the raw REPL while answering the friendly prompt', async () => {
    const { send, until, reader } = await connect({ refuseRawRepl: true })
    await send('\x01')
    expect(await until('>>> ')).toBe('\r\n>>> ')
    await reader.settle(50, 500)
    await send('1 + 1\r')
    expect(await until('>>> ')).toBe('1 + 1\r\n2\r\n>>> ')
  })
})
