import type { Clock, Timer } from '../base/clock'
import { ReplError, portClosed } from './errors'
import type { SerialLink } from './serial-link'

interface Waiter {
  /** Returns true once satisfied (and has consumed what it needed). */
  check(): boolean
  fail(error: ReplError): void
}

/**
 * Buffers what a board sends and lets protocol code wait for it: "until this marker",
 * "exactly n bytes", "until the line goes quiet", like pyboard.py's read_until /
 * serial.read. Every wait has a timeout, and a closed or lost port fails it at once
 * instead of leaving it hanging.
 */
export class ByteReader {
  private buffer = Buffer.alloc(0)
  private waiter: Waiter | null = null
  private closed: ReplError | null = null
  private readonly unsubscribe: Array<() => void>
  private readonly link: SerialLink
  private readonly clock: Clock

  constructor(link: SerialLink, clock: Clock) {
    this.link = link
    this.clock = clock
    this.unsubscribe = [
      link.onData((chunk) => {
        this.buffer = Buffer.concat([this.buffer, chunk])
        if (this.waiter?.check()) this.waiter = null
      }),
      link.onClose(() => {
        this.closed = portClosed(link.path)
        this.waiter?.fail(this.closed)
        this.waiter = null
      }),
    ]
    if (!link.isOpen) this.closed = portClosed(link.path)
  }

  get available(): number {
    return this.buffer.length
  }

  /** Consumes everything up to and including `marker`; resolves with the bytes before it. */
  readUntil(marker: string | Buffer, timeoutMs: number, what: string): Promise<Buffer> {
    const needle = typeof marker === 'string' ? Buffer.from(marker, 'latin1') : marker
    return this.wait(timeoutMs, what, () => {
      const at = this.buffer.indexOf(needle)
      if (at < 0) return undefined
      const before = this.buffer.subarray(0, at)
      this.buffer = this.buffer.subarray(at + needle.length)
      return Buffer.from(before)
    })
  }

  readBytes(count: number, timeoutMs: number, what: string): Promise<Buffer> {
    return this.wait(timeoutMs, what, () => {
      if (this.buffer.length < count) return undefined
      const bytes = Buffer.from(this.buffer.subarray(0, count))
      this.buffer = this.buffer.subarray(count)
      return bytes
    })
  }

  /**
   * Waits until nothing has arrived for `quietMs` (or `maxMs` passed) and returns, and
   * drops, everything received: boot banners, tracebacks, a running program's output.
   */
  async settle(quietMs: number, maxMs: number): Promise<Buffer> {
    if (this.closed) throw this.closed
    const started = this.clock.now()
    let seen = -1
    while (seen !== this.buffer.length && this.clock.now() - started < maxMs) {
      seen = this.buffer.length
      await this.sleep(quietMs)
      if (this.closed) throw this.closed
    }
    return this.discard()
  }

  /** Drops and returns whatever is buffered. */
  discard(): Buffer {
    const bytes = this.buffer
    this.buffer = Buffer.alloc(0)
    return bytes
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms))
  }

  dispose(): void {
    for (const off of this.unsubscribe) off()
    this.waiter?.fail(new ReplError('CANCELLED', 'the REPL session was closed'))
    this.waiter = null
  }

  private wait<T>(timeoutMs: number, what: string, take: () => T | undefined): Promise<T> {
    if (this.waiter) throw new Error('ByteReader supports one wait at a time')
    const now = take()
    if (now !== undefined) return Promise.resolve(now)
    if (this.closed) return Promise.reject(this.closed)
    return new Promise<T>((resolve, reject) => {
      let timer: Timer | null = null
      const finish = (): void => {
        if (timer !== null) this.clock.clearTimeout(timer)
      }
      const waiter: Waiter = {
        check: () => {
          const value = take()
          if (value === undefined) return false
          finish()
          resolve(value)
          return true
        },
        fail: (error) => {
          finish()
          reject(error)
        },
      }
      this.waiter = waiter
      timer = this.clock.setTimeout(() => {
        if (this.waiter !== waiter) return
        this.waiter = null
        const tail = printable(this.buffer.subarray(-80))
        reject(
          new ReplError('TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`, {
            hint: tail ? `last bytes from the board: ${tail}` : 'the board sent nothing',
          }),
        )
      }, timeoutMs)
    })
  }
}

/** Bytes as readable text for error messages: control characters escaped. */
export function printable(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
