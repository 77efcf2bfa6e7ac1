import {
  BOOT_NOISE,
  MAIN_INTERRUPTED,
  RAW_REPL_BANNER,
  SOFT_REBOOT,
  bannerText,
} from './board-text'
import type { ReplDeviceOptions, ReplDeviceStats } from './device-options'
import { FriendlyRepl } from './friendly-repl'
import { MicroPythonVm, type ExecOutcome } from './micropython-vm'
import type { FsFaults } from './wasm-fs'

const CTRL_A = 0x01
const CTRL_B = 0x02
const CTRL_C = 0x03
const CTRL_D = 0x04
const CTRL_E = 0x05

type Mode = 'rom' | 'busy' | 'main' | 'friendly' | 'raw' | 'paste' | 'off'

/**
 * The REPL side of an ESP32 running MicroPython, byte in → bytes out, following
 * shared/runtime/pyexec.c (friendly REPL, raw REPL, raw-paste with its flow control) and
 * ports/esp32/main.c (soft reset: boot.py, then main.py only in friendly mode).
 */
export class ReplDevice {
  readonly stats: ReplDeviceStats = {
    flowViolations: 0,
    droppedBytes: 0,
    rawPastes: 0,
    rawExecs: 0,
    softResets: 0,
    hardResets: 0,
    interrupts: 0,
  }
  private mode: Mode = 'off'
  private queue: number[] = []
  private pumping = false
  private generation = 0
  private rawLine: number[] = []
  private paste = { code: [] as number[], remain: 0 }
  private loopTimer: NodeJS.Timeout | null = null
  private mainStop: (() => void) | null = null
  private swallowed = 0
  private readonly friendly: FriendlyRepl
  private vm: MicroPythonVm
  readonly options: ReplDeviceOptions
  readonly faults: FsFaults
  private readonly output: (bytes: Buffer) => void

  constructor(
    vm: MicroPythonVm,
    options: ReplDeviceOptions,
    faults: FsFaults,
    output: (bytes: Buffer) => void,
  ) {
    this.vm = vm
    this.options = options
    this.faults = faults
    this.output = output
    this.friendly = new FriendlyRepl({
      emit: (bytes) => this.emit(bytes),
      run: (source, kind) => this.runFriendly(source, kind),
      enterRaw: () => this.enterRaw(),
      banner: () => bannerText(this.options.banner),
      softReset: () => this.softReset(false),
      refusesRawRepl: () => this.options.refuseRawRepl,
    })
  }

  get machine(): MicroPythonVm {
    return this.vm
  }

  /** Bytes from the host, as the UART driver sees them. */
  feed(data: Uint8Array): void {
    for (const c of data) {
      if (this.mode === 'rom' || this.mode === 'off') {
        this.stats.droppedBytes++
      } else if (this.mode === 'main' && c === CTRL_C) {
        this.interruptMain() // mp_interrupt_char: never reaches stdin
      } else if (this.mode === 'paste' && this.queue.length >= 2 * this.options.pasteWindow) {
        this.stats.flowViolations++
        this.stats.droppedBytes++
      } else {
        this.queue.push(c)
      }
    }
    void this.pump()
  }

  /** Power-on or reset button: ROM stage, boot.py, main.py, friendly REPL. */
  async hardReset(): Promise<void> {
    const generation = this.stop()
    this.stats.hardResets++
    this.mode = 'rom'
    await this.reboot()
    if (this.options.bootNoise) this.emit(BOOT_NOISE)
    if (this.options.romBootMs > 0) await sleep(this.options.romBootMs)
    if (generation !== this.generation) return
    await this.startMicroPython(false, generation)
  }

  close(): void {
    this.stop()
    this.mode = 'off'
    this.vm.dispose()
  }

  private async softReset(raw: boolean): Promise<void> {
    const generation = this.stop()
    this.stats.softResets++
    this.emit(SOFT_REBOOT)
    await this.reboot()
    await this.startMicroPython(raw, generation)
  }

  /** A fresh heap on the same flash. */
  private async reboot(): Promise<void> {
    const files = this.vm.snapshot()
    this.vm.dispose()
    const { mac, without } = this.options
    this.vm = await MicroPythonVm.boot({ faults: this.faults, mac, without }, files)
  }

  private async startMicroPython(raw: boolean, generation: number): Promise<void> {
    this.mode = 'busy'
    if (this.options.mainPy === 'run' && this.exists('/boot.py')) {
      if (this.runFile('/boot.py') !== 'ok') return
    }
    if (!raw && this.exists('/main.py')) {
      if (this.options.mainPy === 'run' && this.runFile('/main.py') !== 'ok') return
      if (this.options.mainPy === 'loop') return this.startMainLoop(generation)
    }
    if (generation !== this.generation) return
    if (raw) this.enterRaw()
    else this.enterFriendly()
  }

  private runFile(path: string): 'ok' | 'reset' {
    const outcome = this.vm.exec(readText(this.vm, path), { kind: 'file', filename: path.slice(1) })
    this.emit(outcome.stdout)
    this.emit(outcome.exception)
    return this.afterReset(outcome, false) ? 'reset' : 'ok'
  }

  private startMainLoop(generation: number): void {
    this.mode = 'main'
    this.swallowed = 0
    const print = (bytes: string | Buffer): void => {
      if (generation === this.generation && this.mode === 'main') this.emit(bytes)
    }
    this.mainStop = this.options.loop.onStart?.(print) ?? null
    if (this.options.loop.intervalMs <= 0) return
    let tick = 0
    this.loopTimer = setInterval(() => {
      if (generation === this.generation) this.emit(`${this.options.loop.line(tick++)}\r\n`)
    }, this.options.loop.intervalMs)
  }

  private interruptMain(): void {
    this.stats.interrupts++
    if (this.swallowed < this.options.loop.swallowInterrupts) {
      this.swallowed++
      return
    }
    if (this.loopTimer) clearInterval(this.loopTimer)
    this.loopTimer = null
    this.endMain()
    this.emit(MAIN_INTERRUPTED)
    this.enterFriendly()
  }

  private enterFriendly(): void {
    this.mode = 'friendly'
    this.emit(bannerText(this.options.banner))
    this.friendly.prompt()
    void this.pump()
  }

  private enterRaw(): void {
    this.mode = 'raw'
    this.rawLine = []
    this.emit(`${RAW_REPL_BANNER}>`)
    void this.pump()
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.queue.length > 0 && ['friendly', 'raw', 'paste'].includes(this.mode)) {
        const c = this.queue.shift()!
        if (this.mode === 'friendly') await this.friendly.handle(c)
        else if (this.mode === 'raw') await this.rawChar(c)
        else await this.pasteChar(c)
      }
    } finally {
      this.pumping = false
    }
  }

  /** pyexec_raw_repl(). */
  private async rawChar(c: number): Promise<void> {
    if (c === CTRL_A) {
      const line = this.rawLine
      this.rawLine = []
      if (line.length === 2 && line[0] === CTRL_E && this.options.rawPaste) {
        return this.startPaste(line[1]!)
      }
      return this.emit(`${RAW_REPL_BANNER}>`)
    }
    if (c === CTRL_B) {
      this.emit('\r\n')
      return this.enterFriendly()
    }
    if (c === CTRL_C) return void (this.rawLine = [])
    if (c !== CTRL_D) return void this.rawLine.push(c)
    this.emit('OK')
    if (this.rawLine.length === 0) {
      this.emit('\r\n')
      return this.softReset(true)
    }
    const source = Buffer.from(this.rawLine).toString('utf8')
    this.rawLine = []
    this.stats.rawExecs++
    await this.runRaw(source)
  }

  /** do_reader_stdin(): "R\x01", then the window size and one window credit. */
  private startPaste(command: number): void {
    if (command !== 0x41) return this.emit('R\x00>')
    const window = this.options.pasteWindow
    this.stats.rawPastes++
    this.emit(Buffer.from([0x52, 0x01, window & 0xff, window >> 8, 0x01]))
    this.paste = { code: [], remain: window }
    this.mode = 'paste'
  }

  /** mp_reader_stdin_readbyte(): 0x01 each time a window has been consumed. */
  private async pasteChar(c: number): Promise<void> {
    if (c === CTRL_C || c === CTRL_D) {
      this.emit('\x04')
      this.mode = 'raw'
      if (c === CTRL_C) return this.emit('\x04KeyboardInterrupt: \r\n\x04>')
      return this.runRaw(Buffer.from(this.paste.code).toString('utf8'))
    }
    this.paste.code.push(c)
    if (--this.paste.remain === 0) {
      this.emit('\x01')
      this.paste.remain = this.options.pasteWindow
      if (this.options.pasteConsumeDelayMs > 0) await sleep(this.options.pasteConsumeDelayMs)
    }
  }

  /** parse_compile_execute() with EXEC_FLAG_PRINT_EOF: out, 0x04, traceback, 0x04, ">". */
  private async runRaw(source: string): Promise<void> {
    this.mode = 'busy'
    if (this.options.responseDelayMs > 0) await sleep(this.options.responseDelayMs)
    const outcome = this.vm.exec(source, { kind: 'stdin' })
    if (!outcome.hardReset) {
      this.emit(Buffer.concat([outcome.stdout, Buffer.from('\x04'), outcome.exception]))
      this.emit('\x04')
    }
    if (this.afterReset(outcome, true)) return
    this.mode = 'raw'
    this.emit('>')
  }

  private async runFriendly(source: string, kind: 'single' | 'paste'): Promise<boolean> {
    this.mode = 'busy'
    if (this.options.responseDelayMs > 0) await sleep(this.options.responseDelayMs)
    const outcome = this.vm.exec(source, kind === 'single' ? { kind: 'single' } : { kind: 'stdin' })
    if (!outcome.hardReset) this.emit(Buffer.concat([outcome.stdout, outcome.exception]))
    if (this.afterReset(outcome, false)) return false
    this.mode = 'friendly'
    return true
  }

  /** SystemExit → soft reset (PYEXEC_FORCED_EXIT); machine.reset() → hard reset. */
  private afterReset(outcome: ExecOutcome, raw: boolean): boolean {
    if (outcome.hardReset) void this.hardReset()
    else if (outcome.forcedExit) void this.softReset(raw)
    else return false
    return true
  }

  private stop(): number {
    if (this.loopTimer) clearInterval(this.loopTimer)
    this.loopTimer = null
    this.endMain()
    this.queue = []
    this.mode = 'busy'
    return ++this.generation
  }

  private endMain(): void {
    const stop = this.mainStop
    this.mainStop = null
    stop?.()
  }

  private exists(path: string): boolean {
    try {
      return this.vm.fs.isFile(this.vm.fs.stat(path).mode)
    } catch {
      return false
    }
  }

  private emit(bytes: string | Buffer): void {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes
    if (buffer.length > 0 && this.mode !== 'off') this.output(buffer)
  }
}

function readText(vm: MicroPythonVm, path: string): string {
  return Buffer.from(vm.fs.readFile(path)).toString('utf8')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
