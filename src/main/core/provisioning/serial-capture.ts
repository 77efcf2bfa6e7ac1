import { isFramingLine, RawReplFraming } from './raw-repl-text'
import type { Redactor } from './redactor'
import type { SerialLink } from './serial-link'

/**
 * Text as a person reads it: line ends as \n, terminal escapes (the friendly REPL's line
 * editing) and stray control bytes left out, framing-only lines (prompts, the raw REPL
 * banner) dropped.
 */
function visible(text: string): string {
  return (
    text
      .replace(/\r\n/g, '\n')
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]/g, '')
      .split('\n')
      .filter((line) => !isFramingLine(line))
      .join('\n')
  )
}

/**
 * Records what a board printed (raw REPL framing taken out, raw-repl-text.ts) (for diagnosis: "what did it print before it failed?") and
 * hands out complete lines as they arrive. Redaction happens on read and per whole
 * line, so a secret split across two USB packets is still caught.
 */
export class SerialCapture {
  private raw = ''
  private dropped = 0
  private partial = ''
  private readonly decoder = new TextDecoder('utf-8', { fatal: false })
  private readonly framing = new RawReplFraming()
  private readonly off: () => void
  private readonly redactor: Redactor
  private readonly onLine: (line: string) => void
  private readonly maxChars: number

  constructor(
    link: SerialLink,
    redactor: Redactor,
    onLine: (line: string) => void,
    maxChars = 256 * 1024,
  ) {
    this.redactor = redactor
    this.onLine = onLine
    this.maxChars = maxChars
    this.off = link.onData((chunk) =>
      this.add(this.decoder.decode(this.framing.feed(chunk), { stream: true })),
    )
  }

  /** Total characters captured so far (an offset for `text(from)`). */
  get length(): number {
    return this.dropped + this.raw.length
  }

  /** A visible divider in the log, e.g. where the reset happened. */
  mark(label: string): void {
    this.add(`\n--- ${label} ---\n`)
  }

  text(from = 0): string {
    return this.redactor.text(visible(this.raw.slice(Math.max(0, from - this.dropped))))
  }

  /** Stops recording; the partial last line is delivered. */
  stop(): void {
    this.off()
    this.deliver(this.partial)
    this.partial = ''
  }

  dispose(): void {
    this.stop()
    this.raw = ''
  }

  private add(text: string): void {
    this.raw += text
    if (this.raw.length > this.maxChars) {
      const cut = this.raw.length - this.maxChars
      this.raw = this.raw.slice(cut)
      this.dropped += cut
    }
    const lines = (this.partial + text).split('\n')
    this.partial = lines.pop() ?? ''
    for (const line of lines) this.deliver(line)
  }

  private deliver(line: string): void {
    const text = visible(line.replace(/\r$/, ''))
    if (text.trim() !== '') this.onLine(this.redactor.text(text))
  }
}
