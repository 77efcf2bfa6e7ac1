import { describe, expect, it } from 'vitest'
import { ReplError } from '../../../src/main/core/provisioning/errors'
import { session, useBoards } from './helpers'

useBoards()

const looping = (swallowInterrupts: number) => ({
  files: { '/main.py': 'while True:\n    pass\n' },
  mainPy: 'loop' as const,
  loop: { intervalMs: 10, line: (n: number) => `reading ${n}`, swallowInterrupts },
})

describe('RawRepl over a pty against simulated MicroPython', () => {
  it('interrupts a running main.py that catches the first Ctrl-C, then executes', async () => {
    const { board, repl } = await session(looping(1))
    await board.sim.hardReset() // main.py is now running (and printing)
    await repl.enter()
    expect(board.sim.stats.interrupts).toBeGreaterThanOrEqual(2)
    expect(await repl.exec('print(sum(range(10)))')).toEqual({ stdout: '45\r\n', stderr: '' })
  })

  it('sends code in raw-paste mode without ever exceeding the window', async () => {
    const { board, repl } = await session({ pasteWindow: 16, pasteConsumeDelayMs: 2 })
    const text = 'ü'.repeat(1500) // 3000 bytes of UTF-8: about 190 windows of 16 bytes
    const { stdout, stderr } = await repl.exec(`s = "${text}"\nprint(len(s), s == "${text}")`)
    expect(stderr).toBe('')
    expect(stdout).toBe('1500 True\r\n')
    expect(repl.usesRawPaste).toBe(true)
    expect(board.sim.stats.rawPastes).toBe(1)
    expect(board.sim.stats.flowViolations).toBe(0)
  })

  it('falls back to the plain raw REPL on firmware without raw-paste', async () => {
    const { board, repl } = await session({ rawPaste: false })
    expect(await repl.exec('print("old")')).toEqual({ stdout: 'old\r\n', stderr: '' })
    expect(await repl.exec('print("still old")')).toEqual({ stdout: 'still old\r\n', stderr: '' })
    expect(repl.usesRawPaste).toBe(false)
    expect(board.sim.stats.rawExecs).toBe(2)
  })

  it('returns the traceback exactly as the board prints it, and run() types it', async () => {
    const { repl } = await session()
    const { stdout, stderr } = await repl.exec('print("a")\nimport os\nos.remove("missing.py")')
    expect(stdout).toBe('a\r\n')
    expect(stderr).toBe(
      'Traceback (most recent call last):\r\n' +
        '  File "<stdin>", line 3, in <module>\r\n' +
        'OSError: [Errno 2] ENOENT\r\n',
    )
    const error = await repl.run('1/0', 'dividing').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReplError)
    expect((error as ReplError).failure).toBe('DEVICE_EXCEPTION')
    expect((error as ReplError).device?.type).toBe('ZeroDivisionError')
  })

  it('keeps globals between execs until a soft reset clears the heap', async () => {
    const { repl } = await session()
    await repl.exec('kept = 41')
    expect((await repl.exec('print(kept + 1)')).stdout).toBe('42\r\n')
    await repl.enter({ softReset: true })
    expect((await repl.exec('print(kept)')).stderr).toContain(
      "NameError: name 'kept' isn't defined",
    )
  })

  it('says main.py may be blocking when the board never enters raw REPL', async () => {
    const { repl } = await session({ refuseRawRepl: true })
    const error = (await repl.enter().catch((e: unknown) => e)) as ReplError
    expect(error).toBeInstanceOf(ReplError)
    expect(error.failure).toBe('RAW_REPL_REFUSED')
    expect(error.message).toContain('could not enter raw REPL')
    expect(error.message).toContain('is main.py blocking? press RST and retry')
  })

  it('gives up on a program that swallows every Ctrl-C', async () => {
    const { board, repl } = await session(looping(Infinity), { enterAttempts: 2 })
    await board.sim.hardReset()
    const error = (await repl.enter().catch((e: unknown) => e)) as ReplError
    expect(error.failure).toBe('RAW_REPL_REFUSED')
  })

  it('gets through a reset with ROM noise and garbage before the banner', async () => {
    const { board, repl } = await session({ bootNoise: true, romBootMs: 150 })
    const reset = board.sim.hardReset()
    await repl.enter()
    await reset
    expect(board.sim.stats.droppedBytes).toBeGreaterThan(0) // our first Ctrl-C went into the ROM stage
    expect(await repl.exec('print("clean")')).toEqual({ stdout: 'clean\r\n', stderr: '' })
  })

  it('times out on a slow board and recovers with a longer timeout', async () => {
    const { board, repl } = await session({ responseDelayMs: 400 })
    const error = (await repl.exec('print(1)', 150).catch((e: unknown) => e)) as ReplError
    expect(error.failure).toBe('TIMEOUT')
    board.sim.options.responseDelayMs = 50
    expect(await repl.exec('print(2)', 3000)).toEqual({ stdout: '2\r\n', stderr: '' })
  })
})
