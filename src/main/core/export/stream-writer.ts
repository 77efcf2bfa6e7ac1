import type { Writable } from 'node:stream'

const CHUNK_BYTES = 64 * 1024

/**
 * Text to a Writable in ~64 KiB chunks, honouring backpressure: when `write` returns false
 * we wait for 'drain'. If the stream fails or closes early (an HTTP client went away) the
 * next write rejects, which ends the export loop and releases the database cursor.
 */
export class StreamWriter {
  bytes = 0
  private parts: string[] = []
  private pendingBytes = 0
  private failure: Error | null = null
  private readonly onError = (error: Error): void => {
    this.failure ??= error
  }
  private readonly onClose = (): void => {
    if (!this.out.writableFinished) this.failure ??= new Error('the output was closed early')
  }

  constructor(private readonly out: Writable) {
    out.on('error', this.onError)
    out.on('close', this.onClose)
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure
    this.parts.push(text)
    this.pendingBytes += text.length
    if (this.pendingBytes >= CHUNK_BYTES) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure
    if (this.parts.length === 0) return
    const chunk = Buffer.from(this.parts.join(''), 'utf8')
    this.parts = []
    this.pendingBytes = 0
    this.bytes += chunk.length
    if (!this.out.write(chunk)) await this.drained()
  }

  /** Flushes and ends the stream (unless `end` is false, e.g. for stdout). */
  async finish(end = true): Promise<void> {
    await this.flush()
    if (end) {
      await new Promise<void>((resolve, reject) => {
        this.out.end((error?: Error | null) => (error ? reject(error) : resolve()))
      })
    }
    this.detach()
  }

  detach(): void {
    this.out.off('error', this.onError)
    this.out.off('close', this.onClose)
  }

  private drained(): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.out.off('drain', done)
        this.out.off('close', done)
        this.out.off('error', done)
        if (this.failure) reject(this.failure)
        else resolve()
      }
      this.out.on('drain', done)
      this.out.on('close', done)
      this.out.on('error', done)
    })
  }
}
