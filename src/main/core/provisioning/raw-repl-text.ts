/**
 * What a board sends while the app drives its raw REPL, minus the raw REPL's framing, so
 * what is left is what the board printed as text. The framing, from MicroPython's docs
 * (reference/repl.rst, "Raw mode and raw-paste mode") and shared/runtime/pyexec.c
 * (pyexec_raw_repl):
 *
 * - Ctrl-A is answered by the banner "raw REPL; CTRL-B to exit\r\n" and the prompt ">".
 * - A command is acknowledged by "OK" (plain raw mode) or by "R\x01", a 2-byte window size
 *   and one "\x01" per window granted, then "\x04" (raw-paste mode; "R\x00" + ">" when the
 *   board has none). Then come the program's output, "\x04", its exception, "\x04", ">".
 * - Ctrl-D on an empty command is a soft reset: "OK\r\n", the reboot, the banner again.
 * - Ctrl-B leaves for the friendly REPL: "\r\n" and its banner.
 *
 * The answers to the app's own commands (file hashes, listings, the MAC) are the app's
 * conversation, not the board's words, and go too: a command that fails becomes the
 * installer's error instead.
 */
const BANNER = 'raw REPL; CTRL-B to exit\r\n'
/** The friendly prompt at a line start: the board is out of any raw REPL exchange. */
const FRIENDLY = '\n>>> '
const R = 0x52
const O = 0x4f
const K = 0x4b
const PROMPT = 0x3e
const END = 0x04

type State = 'text' | 'raw' | 'window' | 'answer'

/** A byte-stream filter; chunks may split the framing anywhere. */
export class RawReplFraming {
  private state: State = 'text'
  /** "R" or "O" seen at the raw prompt, waiting for the byte that says what it was. */
  private pending: number | null = null
  private windowBytes = 0
  /** "\x04" still to come before the answer ends. */
  private ends = 0
  private tail = ''

  feed(chunk: Uint8Array): Uint8Array {
    const out: number[] = []
    for (const byte of chunk) {
      this.step(byte, out)
      this.tail = (this.tail + String.fromCharCode(byte)).slice(-BANNER.length)
      if (this.tail === BANNER) {
        this.state = 'raw'
        this.pending = null
      } else if (this.state === 'answer' && this.tail.endsWith(FRIENDLY)) {
        // An answer cut short (the board reset, or the app interrupted it).
        this.state = 'text'
      }
    }
    return Uint8Array.from(out)
  }

  private step(byte: number, out: number[]): void {
    switch (this.state) {
      case 'text':
        out.push(byte)
        return
      case 'window':
        if (--this.windowBytes === 0) this.answer(3) // end-of-data ack, output, exception
        return
      case 'answer':
        if (byte === END && --this.ends === 0) this.state = 'raw'
        return
      case 'raw':
        this.atRawPrompt(byte, out)
    }
  }

  private atRawPrompt(byte: number, out: number[]): void {
    const pending = this.pending
    this.pending = null
    if (pending === R && byte === 0x01) {
      this.state = 'window'
      this.windowBytes = 2
    } else if (pending === R && byte === 0x00) {
      // Raw paste refused: ">" follows, and the command is sent again in plain raw mode.
    } else if (pending === O && byte === K) {
      this.answer(2) // output, exception
    } else if (pending !== null) {
      this.state = 'text'
      out.push(pending, byte)
    } else if (byte === R || byte === O) {
      this.pending = byte
    } else if (byte !== PROMPT && byte !== END) {
      this.state = 'text' // e.g. "\r\n" and the friendly banner after Ctrl-B
      out.push(byte)
    }
  }

  private answer(ends: number): void {
    this.state = 'answer'
    this.ends = ends
  }
}

/**
 * Lines that are framing, not words: the raw REPL banner, and prompts alone on a line
 * (">>> " after each Ctrl-C the app sends, ">" of the raw REPL).
 */
export function isFramingLine(line: string): boolean {
  const text = line.trim()
  return text === BANNER.trim() || /^(>>>\s*)+$/.test(text) || text === '>'
}
