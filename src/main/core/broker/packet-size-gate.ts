import { Duplex } from 'node:stream'

export interface PacketLimits {
  /** Largest packet before the client is authenticated: its CONNECT, and what it pipelines. */
  beforeAuth: number
  /** Largest packet once it is (the broker setting). */
  afterAuth: number
}

/**
 * Before CONNACK: room for a CONNECT with a will of realistic size (client id, credentials,
 * a will topic and a few KB of will payload), nothing a stranger could use to fill memory.
 */
export const MAX_PACKET_BEFORE_AUTH = 64 * 1024

/** A Remaining Length needing a fifth byte is malformed (MQTT 3.1.1 §2.2.3). */
const MAX_LENGTH_BYTES = 4

/**
 * Follows packet boundaries in an MQTT byte stream from the fixed headers alone (§2.2):
 * one type byte, the Remaining Length (1–4 bytes of 7 bits, least significant first), then
 * that many bytes skipped unread.
 */
export class FixedHeaderScanner {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private lengthBytes = 0
  private remaining = 0
  /** Packets whose Remaining Length was read (the CONNECT is the first). */
  headers = 0

  /**
   * Reads `chunk` from `offset` and stops just after a Remaining Length (returning where,
   * and the length, for the caller to judge) or at the end of the chunk. null = malformed.
   */
  next(chunk: Buffer, offset: number): { offset: number; length?: number } | null {
    let at = offset
    while (at < chunk.length) {
      if (this.state === 'body') {
        const skip = Math.min(this.remaining, chunk.length - at)
        at += skip
        this.remaining -= skip
        if (this.remaining === 0) this.state = 'type'
      } else if (this.state === 'type') {
        at++
        this.state = 'length'
        this.length = 0
        this.lengthBytes = 0
      } else {
        const byte = chunk[at++]!
        this.length += (byte & 0x7f) * 128 ** this.lengthBytes++
        if (byte & 0x80) {
          if (this.lengthBytes === MAX_LENGTH_BYTES) return null
          continue
        }
        this.headers++
        this.remaining = this.length
        this.state = this.length === 0 ? 'type' : 'body'
        return { offset: at, length: this.length }
      }
    }
    return { offset: at }
  }
}

/**
 * Sits between a client's socket and aedes and closes the connection as soon as a fixed
 * header announces a packet over the limit, before aedes' parser (mqtt-packet, which has no
 * size limit) buffers a byte of it: one CONNECT announcing 200 MB used to cost 200 MB.
 * Until `admit()` the small pre-auth limit applies; a large packet pipelined right behind
 * the CONNECT (allowed by §3.1.4) waits, unread, until authentication settles.
 */
export class PacketSizeGate extends Duplex {
  private readonly scanner = new FixedHeaderScanner()
  private admitted = false
  /** Bytes held back while a pipelined packet waits for `admit()`, and its length. */
  private held?: { chunk: Buffer; length: number }

  constructor(
    private readonly socket: Duplex,
    private readonly limits: PacketLimits,
    private readonly onTooLarge: (size: number, limit: number) => void,
  ) {
    super({ allowHalfOpen: false })
    socket.on('data', (chunk: Buffer) => this.accept(chunk))
    socket.on('end', () => this.push(null))
    socket.on('error', (error) => this.destroy(error))
    socket.on('close', () => this.destroy())
  }

  /** The peer's address, as the socket aedes would otherwise have been given. */
  get remoteAddress(): string | undefined {
    return (this.socket as { remoteAddress?: string }).remoteAddress
  }

  /** The client is authenticated: from now on the larger limit applies. */
  admit(): void {
    if (this.admitted) return
    this.admitted = true
    const held = this.held
    if (!held) return
    this.held = undefined
    if (held.length > this.limits.afterAuth) return this.refuse(held.length, this.limits.afterAuth)
    this.accept(held.chunk)
    if (!this.held && !this.destroyed) this.socket.resume()
  }

  override _read(): void {
    if (!this.held) this.socket.resume()
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    if (this.socket.write(chunk)) done()
    else this.socket.once('drain', () => done())
  }

  override _final(done: (error?: Error) => void): void {
    this.socket.end()
    done()
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    this.socket.destroy(error ?? undefined)
    done(error)
  }

  private accept(chunk: Buffer): void {
    let offset = 0
    while (offset < chunk.length) {
      const step = this.scanner.next(chunk, offset)
      if (!step) return void this.destroy(new Error('malformed Remaining Length (§2.2.3)'))
      offset = step.offset
      if (step.length === undefined) continue
      const limit = this.admitted ? this.limits.afterAuth : this.limits.beforeAuth
      if (step.length <= limit) continue
      if (this.admitted || this.scanner.headers === 1) return this.refuse(step.length, limit)
      this.forward(chunk.subarray(0, offset))
      this.held = { chunk: chunk.subarray(offset), length: step.length }
      this.socket.pause()
      return
    }
    this.forward(chunk)
  }

  private forward(bytes: Buffer): void {
    if (bytes.length > 0 && !this.push(bytes)) this.socket.pause()
  }

  private refuse(size: number, limit: number): void {
    this.onTooLarge(size, limit)
    this.destroy()
  }
}
