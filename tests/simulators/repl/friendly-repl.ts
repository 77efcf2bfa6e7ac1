import { PASTE_MODE_BANNER, PS1, PS2 } from './board-text'

const CTRL_A = 0x01
const CTRL_B = 0x02
const CTRL_C = 0x03
const CTRL_D = 0x04
const CTRL_E = 0x05

/** What the friendly REPL needs from the device around it. */
export interface FriendlyHost {
  emit(bytes: string | Buffer): void
  /** Runs source; resolves false when the run ended in a reset (no prompt then). */
  run(source: string, kind: 'single' | 'paste'): Promise<boolean>
  /** Ctrl-A on an empty line (pyexec.c: change to raw REPL). */
  enterRaw(): void
  /** Ctrl-B on an empty line: "\r\n" + banner, then a prompt. */
  banner(): string
  /** Ctrl-D on an empty line: exit for a soft reset. */
  softReset(): Promise<void>
  /** Fault injection: a firmware that never switches to raw REPL. */
  refusesRawRepl(): boolean
}

/**
 * pyexec_friendly_repl() with shared/readline's line editing, reduced to what a serial
 * console and file tools exercise: echo, backspace, control characters on an empty line
 * (readline returns them to pyexec), compound statements with "... ", and paste mode
 * (Ctrl-E). Arrow-key escape sequences are swallowed.
 */
export class FriendlyRepl {
  private line: number[] = []
  private continued: string[] = []
  private pasting: number[] | null = null
  private escape = 0

  private readonly host: FriendlyHost

  constructor(host: FriendlyHost) {
    this.host = host
  }

  /** Prints the prompt for a fresh input (state already reset). */
  prompt(): void {
    this.line = []
    this.continued = []
    this.pasting = null
    this.host.emit(PS1)
  }

  async handle(c: number): Promise<void> {
    if (this.pasting) return this.handlePaste(c, this.pasting)
    if (this.escape === 1) return void (this.escape = c === 0x5b ? 2 : 0)
    if (this.escape === 2) return void (c >= 0x40 && c <= 0x7e && (this.escape = 0))
    const empty = this.line.length === 0
    switch (c) {
      case 0x1b:
        this.escape = 1
        return
      case CTRL_A:
        if (!empty || this.continued.length > 0) return
        if (this.host.refusesRawRepl()) return void this.restart('\r\n')
        this.host.emit('\r\n')
        return this.host.enterRaw()
      case CTRL_B:
        if (empty && this.continued.length === 0) this.restart(`\r\n${this.host.banner()}`)
        return
      case CTRL_C:
        return this.restart('\r\n')
      case CTRL_D:
        if (!empty) return
        if (this.continued.length > 0) return this.execute(this.continued.join('\n'), 'single')
        this.host.emit('\r\n')
        return this.host.softReset()
      case CTRL_E:
        if (!empty || this.continued.length > 0) return
        this.pasting = []
        return this.host.emit(PASTE_MODE_BANNER)
      case 0x08:
      case 0x7f:
        if (empty) return
        // Remove one whole UTF-8 character.
        while (this.line.length > 0 && ((this.line.pop() ?? 0) & 0xc0) === 0x80);
        return this.host.emit('\b \b')
      case 0x0a:
        return
      case 0x0d:
        return this.enter()
      default:
        if (c < 0x20 && c !== 0x09) return
        this.line.push(c)
        this.host.emit(Buffer.from([c]))
    }
  }

  private async enter(): Promise<void> {
    this.host.emit('\r\n')
    const text = Buffer.from(this.line).toString('utf8')
    this.line = []
    if (this.continued.length === 0) {
      if (text.trim() === '') return this.host.emit(PS1)
      if (!continuesInput(text)) return this.execute(text, 'single')
      this.continued.push(text)
      return this.host.emit(PS2)
    }
    if (text.trim() === '') return this.execute(this.continued.join('\n'), 'single')
    this.continued.push(text)
    this.host.emit(PS2)
  }

  private async handlePaste(c: number, buffer: number[]): Promise<void> {
    if (c === CTRL_C) return this.restart('\r\n')
    if (c === CTRL_D) {
      this.pasting = null
      this.host.emit('\r\n')
      return this.execute(Buffer.from(buffer).toString('utf8'), 'paste')
    }
    buffer.push(c)
    this.host.emit(c === 0x0d ? '\r\n=== ' : Buffer.from([c]))
  }

  private async execute(source: string, kind: 'single' | 'paste'): Promise<void> {
    this.continued = []
    if (await this.host.run(source.replace(/\r\n?/g, '\n'), kind)) this.prompt()
  }

  private restart(before: string): void {
    this.host.emit(before)
    this.prompt()
  }
}

/** mp_repl_continue_with_input(), approximately: a block opener or an open bracket. */
function continuesInput(line: string): boolean {
  const code = line.replace(/#.*$/, '').trimEnd()
  if (code.endsWith(':') || code.endsWith('\\')) return true
  let depth = 0
  for (const ch of code) {
    if ('([{'.includes(ch)) depth++
    else if (')]}'.includes(ch)) depth--
  }
  return depth > 0 || /^(@|"""|''')/.test(code.trimStart())
}
