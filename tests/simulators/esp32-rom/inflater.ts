import { constants, createInflate, type Inflate } from 'node:zlib'

/**
 * Incremental zlib inflate for FLASH_DEFL_DATA: each block is pushed as it arrives and
 * the bytes it completes come back at once (Z_SYNC_FLUSH), like the ROM's streaming
 * tinfl decoder writing to flash block by block.
 */
export class StreamInflater {
  private readonly zlib: Inflate
  private chunks: Buffer[] = []
  private failure: Error | null = null

  constructor() {
    this.zlib = createInflate()
    this.zlib.on('data', (chunk: Buffer) => this.chunks.push(chunk))
    this.zlib.on('error', (error: Error) => (this.failure = error))
  }

  async push(block: Uint8Array): Promise<Buffer> {
    if (this.failure) throw this.failure
    await new Promise<void>((resolve) => {
      // A corrupt stream never calls the flush callback: settle on 'error' as well.
      this.zlib.once('error', () => resolve())
      this.zlib.write(block)
      this.zlib.flush(constants.Z_SYNC_FLUSH, () => resolve())
    })
    this.zlib.removeAllListeners('error')
    this.zlib.on('error', (error: Error) => (this.failure = error))
    if (this.failure) throw this.failure
    const out = Buffer.concat(this.chunks)
    this.chunks = []
    return out
  }

  close(): void {
    this.zlib.removeAllListeners('data')
    this.zlib.on('error', () => undefined)
    this.zlib.destroy()
  }
}
