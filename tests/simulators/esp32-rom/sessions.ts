import { SECTOR_SIZE, type FlashMemory } from './flash-memory'
import { StreamInflater } from './inflater'
import { checksum } from './protocol'

export interface FlashSessionOptions {
  compressed: boolean
  offset: number
  /** Bytes to erase (ROM) or exact uncompressed length (stub), from *_BEGIN. */
  size: number
  blocks: number
  blockSize: number
  /** ROM: erase the whole region now. Stub: erase each sector just before writing it. */
  eraseNow: boolean
}

export type WriteResult = { start: number; end: number } | 'inflate-error' | 'too-much'

/** One FLASH_BEGIN..FLASH_END (or the DEFL variant) transfer ("Writing Data"). */
export class FlashSession {
  readonly compressed: boolean
  nextSeq = 0
  private written = 0
  private readonly erased = new Set<number>()
  private readonly inflater: StreamInflater | null
  private readonly flash: FlashMemory
  private readonly options: FlashSessionOptions

  constructor(flash: FlashMemory, options: FlashSessionOptions) {
    this.flash = flash
    this.options = options
    this.compressed = options.compressed
    this.inflater = options.compressed ? new StreamInflater() : null
    if (options.eraseNow) {
      flash.eraseRange(options.offset, Math.min(options.size, flash.size - options.offset))
    }
  }

  checksumOf(payload: Uint8Array): number {
    return checksum(payload)
  }

  async write(payload: Uint8Array): Promise<WriteResult> {
    let bytes: Uint8Array = payload
    if (this.inflater) {
      try {
        bytes = await this.inflater.push(payload)
      } catch {
        return 'inflate-error'
      }
      if (this.written + bytes.length > this.options.size) return 'too-much'
    }
    const start = this.options.offset + this.written
    const end = Math.min(start + bytes.length, this.flash.size)
    if (!this.options.eraseNow) this.eraseJustInTime(start, end)
    this.flash.program(start, bytes)
    this.written += bytes.length
    this.nextSeq++
    return { start, end }
  }

  private eraseJustInTime(start: number, end: number): void {
    if (end <= start) return
    for (let sector = Math.floor(start / SECTOR_SIZE); sector * SECTOR_SIZE < end; sector++) {
      if (this.erased.has(sector)) continue
      this.erased.add(sector)
      this.flash.eraseSector(sector)
    }
  }

  close(): void {
    this.inflater?.close()
  }
}

/** MEM_BEGIN..MEM_END: RAM download, used by esptool to upload its stub loader. */
export class MemSession {
  active = false
  private offset = 0
  private size = 0
  private blockSize = 0
  private blocks = 0
  private nextSeq = 0
  private readonly loaded: Array<{ start: number; end: number }> = []

  begin(size: number, blocks: number, blockSize: number, offset: number): void {
    Object.assign(this, { active: true, size, blocks, blockSize, offset, nextSeq: 0 })
  }

  checksumOf(payload: Uint8Array): number {
    return checksum(payload)
  }

  /** Accepts blocks in order and within the announced size. */
  write(seq: number, payload: Uint8Array): boolean {
    if (seq !== this.nextSeq || seq * this.blockSize + payload.length > this.size) return false
    this.nextSeq++
    if (this.nextSeq === this.blocks) {
      this.loaded.push({ start: this.offset, end: this.offset + this.size })
    }
    return true
  }

  /** True when `address` lies inside a segment that was uploaded completely. */
  contains(address: number): boolean {
    return this.loaded.some(({ start, end }) => address >= start && address < end)
  }
}
