import { systemClock, type Clock } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import { ByteReader, printable } from './byte-reader'
import { ReplError, deviceError, parseDeviceException, rawReplRefused } from './errors'
import type { SerialLink } from './serial-link'

// Control characters of the MicroPython REPL (docs: reference/repl.html "Raw mode and raw-paste mode").
const CTRL_A = '\x01' // enter raw REPL
const CTRL_B = '\x02' // exit to friendly REPL
const CTRL_C = '\x03' // interrupt / clear line
const CTRL_D = '\x04' // end of input; soft reset on an empty line
const RAW_BANNER = 'raw REPL; CTRL-B to exit\r\n'

export interface ExecResult {
  stdout: string
  /** The traceback, empty when the code finished without an exception. */
  stderr: string
}

export interface RawReplOptions {
  clock?: Clock
  logger?: Logger
  /** Ctrl-C, Ctrl-C, Ctrl-A rounds before giving up. */
  enterAttempts?: number
  /** Pause between the two Ctrl-C (a program may catch the first KeyboardInterrupt). */
  interruptGapMs?: number
  /** The line counts as quiet (banner, traceback done) after this long without bytes. */
  quietMs?: number
  /** Upper bound for waiting for quiet, e.g. when main.py prints continuously. */
  settleMaxMs?: number
  /** How long to wait for "raw REPL; CTRL-B to exit" after each Ctrl-A. */
  enterTimeoutMs?: number
  execTimeoutMs?: number
  /** Use raw-paste mode when the board offers it (MicroPython >= 1.14). */
  rawPaste?: boolean
}

/**
 * A MicroPython raw REPL client over any SerialLink, following tools/pyboard.py
 * (enter_raw_repl, exec_raw_no_follow, raw_paste_write, follow) and the device side in
 * shared/runtime/pyexec.c (pyexec_raw_repl, do_reader_stdin), made robust for boards that
 * are busy running main.py, print boot noise, or only speak plain raw mode.
 */
export class RawRepl {
  private readonly reader: ByteReader
  private readonly link: SerialLink
  private readonly clock: Clock
  private readonly logger: Logger
  private readonly options: Required<Omit<RawReplOptions, 'clock' | 'logger'>>
  private inRaw = false
  /** null until the board was asked; false after "R\x00" or an old firmware's answer. */
  private pasteSupported: boolean | null = null

  constructor(link: SerialLink, options: RawReplOptions = {}) {
    this.link = link
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
    this.options = {
      enterAttempts: options.enterAttempts ?? 3,
      interruptGapMs: options.interruptGapMs ?? 100,
      quietMs: options.quietMs ?? 80,
      settleMaxMs: options.settleMaxMs ?? 1000,
      enterTimeoutMs: options.enterTimeoutMs ?? 1500,
      execTimeoutMs: options.execTimeoutMs ?? 10_000,
      rawPaste: options.rawPaste ?? true,
    }
    if (!this.options.rawPaste) this.pasteSupported = false
    this.reader = new ByteReader(link, this.clock)
  }

  get isRaw(): boolean {
    return this.inRaw
  }

  /** Whether the last exec used raw-paste mode (null before the first exec). */
  get usesRawPaste(): boolean | null {
    return this.pasteSupported
  }

  /**
   * pyboard.py enter_raw_repl(): Ctrl-C twice to stop a running program, drop whatever
   * it printed, Ctrl-A, and wait for the raw REPL banner and its ">" prompt, in rounds.
   * With `softReset`, Ctrl-D then gives a fresh heap; in raw mode the ESP32 port skips
   * main.py (ports/esp32/main.c), so the board stays quiet and ours.
   */
  async enter(options: { softReset?: boolean } = {}): Promise<void> {
    const { enterAttempts, interruptGapMs, quietMs, settleMaxMs, enterTimeoutMs } = this.options
    this.inRaw = false
    for (let attempt = 1; attempt <= enterAttempts; attempt++) {
      await this.link.write(`\r${CTRL_C}`)
      await this.reader.sleep(interruptGapMs)
      await this.link.write(CTRL_C)
      const noise = await this.reader.settle(quietMs, settleMaxMs)
      if (noise.length > 0) this.logger.debug('dropped before raw REPL', { bytes: noise.length })
      await this.link.write(`\r${CTRL_A}`)
      try {
        await this.reader.readUntil(`${RAW_BANNER}>`, enterTimeoutMs, 'the raw REPL banner')
        this.inRaw = true
        break
      } catch (error) {
        if (!(error instanceof ReplError) || error.failure !== 'TIMEOUT') throw error
        this.logger.info('raw REPL not entered, retrying', { attempt })
      }
    }
    if (!this.inRaw) throw rawReplRefused(enterAttempts)
    if (options.softReset) {
      await this.link.write(CTRL_D)
      await this.reader.readUntil('soft reboot\r\n', enterTimeoutMs * 2, 'the soft reboot')
      await this.reader.readUntil(`${RAW_BANNER}>`, enterTimeoutMs * 2, 'the raw REPL banner')
    }
  }

  /** Runs code and returns what it printed and its traceback, like pyboard.exec_raw(). */
  async exec(code: string, timeoutMs = this.options.execTimeoutMs): Promise<ExecResult> {
    if (!this.inRaw) await this.enter()
    const deadline = this.clock.now() + timeoutMs
    const left = (): number => Math.max(1, deadline - this.clock.now())
    const data = Buffer.from(code, 'utf8')
    try {
      if (this.pasteSupported !== false && (await this.tryRawPaste(left()))) {
        await this.rawPasteWrite(data, left)
      } else {
        await this.plainRawWrite(data, left)
      }
      // follow(): normal output up to the first 0x04, the exception up to the second.
      const stdout = await this.reader.readUntil(CTRL_D, left(), 'the end of program output')
      const stderr = await this.reader.readUntil(CTRL_D, left(), 'the end of error output')
      await this.reader.readUntil('>', left(), 'the raw REPL prompt')
      return { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') }
    } catch (error) {
      // Unknown state (half-sent code, still running): the next exec starts from Ctrl-C.
      this.inRaw = false
      throw error
    }
  }

  /** exec() that turns a traceback into a typed ReplError; returns stdout. */
  async run(code: string, what: string, timeoutMs?: number): Promise<string> {
    const { stdout, stderr } = await this.exec(code, timeoutMs)
    if (stderr.trim() !== '') throw deviceError(what, parseDeviceException(stderr))
    return stdout
  }

  /** Back to the friendly REPL (Ctrl-B), which prints the banner and ">>> ". */
  async exit(): Promise<void> {
    await this.link.write(`\r${CTRL_B}`)
    this.inRaw = false
    await this.reader.readUntil('>>> ', this.options.enterTimeoutMs, 'the friendly prompt')
  }

  /**
   * Soft reset from the friendly REPL (Ctrl-D on an empty line): boot.py, then main.py
   * run, as after power-on. Resolves once the board said "soft reboot"; what it prints
   * next is the new firmware's, for the caller to read from the link.
   */
  async softResetAndRun(): Promise<void> {
    if (this.inRaw) await this.exit()
    await this.link.write(`${CTRL_C}${CTRL_D}`)
    await this.reader.readUntil('soft reboot\r\n', this.options.enterTimeoutMs * 2, 'soft reboot')
  }

  /** Stops listening; the link stays open for its owner. */
  dispose(): void {
    this.reader.dispose()
  }

  /** pyboard.py: "\x05A\x01" answered by "R\x01" (supported), "R\x00" (not), or the banner. */
  private async tryRawPaste(timeoutMs: number): Promise<boolean> {
    await this.link.write('\x05A\x01')
    const answer = await this.reader.readBytes(2, timeoutMs, 'the raw-paste answer')
    if (answer.equals(Buffer.from('R\x01', 'latin1'))) {
      this.pasteSupported = true
      return true
    }
    this.pasteSupported = false
    if (answer.equals(Buffer.from('R\x00', 'latin1'))) {
      // pyexec.c: after refusing, the raw REPL resets its line and prints ">".
      await this.reader.readUntil('>', timeoutMs, 'the raw REPL prompt')
    } else {
      // Firmware older than raw-paste treated Ctrl-A as "reset raw REPL" and reprinted the banner.
      await this.reader.readUntil(`w REPL; CTRL-B to exit\r\n>`, timeoutMs, 'the raw REPL banner')
    }
    this.logger.info('board has no raw-paste mode; using plain raw REPL')
    return false
  }

  /**
   * pyboard.py raw_paste_write(): the board announces a window (2 bytes, little endian)
   * and grants one more window with each 0x01; we never have more unacknowledged bytes
   * in flight than granted. 0x04 from the board means it stopped reading early.
   */
  private async rawPasteWrite(data: Buffer, left: () => number): Promise<void> {
    const header = await this.reader.readBytes(2, left(), 'the raw-paste window size')
    const window = header[0]! | (header[1]! << 8)
    if (window === 0) throw new ReplError('PROTOCOL', 'the board announced a zero raw-paste window')
    let credit = window
    let sent = 0
    while (sent < data.length) {
      while (credit === 0 || this.reader.available > 0) {
        const control = (await this.reader.readBytes(1, left(), 'raw-paste flow control'))[0]
        if (control === 0x01) {
          credit += window
        } else if (control === 0x04) {
          await this.link.write(CTRL_D) // the board ended the transfer; acknowledge it
          return
        } else {
          throw new ReplError(
            'PROTOCOL',
            `unexpected byte during raw paste: ${printable(Buffer.from([control ?? 0]))}`,
          )
        }
      }
      const chunk = data.subarray(sent, sent + credit)
      await this.link.write(chunk)
      sent += chunk.length
      credit -= chunk.length
    }
    await this.link.write(CTRL_D)
    await this.reader.readUntil(CTRL_D, left(), 'the end of the raw paste')
  }

  /** pyboard.py: plain raw REPL, 256 bytes every 10 ms, then Ctrl-D and "OK". */
  private async plainRawWrite(data: Buffer, left: () => number): Promise<void> {
    for (let at = 0; at < data.length; at += 256) {
      await this.link.write(data.subarray(at, at + 256))
      await this.reader.sleep(10)
    }
    await this.link.write(CTRL_D)
    const ok = await this.reader.readBytes(2, left(), '"OK"')
    if (ok.toString('latin1') !== 'OK') {
      throw new ReplError('PROTOCOL', `could not exec command (response: ${printable(ok)})`)
    }
  }
}
