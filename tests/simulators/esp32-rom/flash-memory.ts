import { createHash } from 'node:crypto'

export const SECTOR_SIZE = 0x1000

/**
 * SPI NOR flash as the loader sees it: erased bytes read 0xFF, erasing works on whole
 * 4 KB sectors, and programming can only clear bits (new = old AND data), which is why
 * the ROM erases the target region at FLASH_BEGIN before any data arrives.
 */
export class FlashMemory {
  readonly size: number
  readonly data: Buffer
  /** Counts, for tests that want to see how the loader used the flash. */
  readonly stats = { sectorErases: 0, bytesWritten: 0 }

  // No parameter properties in simulator files: the CLI runs them with Node's type stripping.
  constructor(size: number) {
    if (size % SECTOR_SIZE !== 0) throw new Error('flash size must be a multiple of 4 KB')
    this.size = size
    this.data = Buffer.alloc(size, 0xff)
  }

  /** JEDEC id as read by RDID (0x9F): Winbond (0xEF), W25Q series (0x40), log2(size). */
  get jedecId(): number {
    return 0xef | (0x40 << 8) | (Math.log2(this.size) << 16)
  }

  contains(offset: number, length: number): boolean {
    return offset >= 0 && length >= 0 && offset + length <= this.size
  }

  /** Erases every sector touched by [offset, offset + length). */
  eraseRange(offset: number, length: number): void {
    if (length <= 0) return
    const first = Math.floor(offset / SECTOR_SIZE)
    const last = Math.floor((offset + length - 1) / SECTOR_SIZE)
    for (let sector = first; sector <= last; sector++) this.eraseSector(sector)
  }

  eraseSector(sector: number): void {
    const start = sector * SECTOR_SIZE
    if (start >= this.size) return
    this.data.fill(0xff, start, Math.min(start + SECTOR_SIZE, this.size))
    this.stats.sectorErases++
  }

  eraseAll(): void {
    this.data.fill(0xff)
    this.stats.sectorErases += this.size / SECTOR_SIZE
  }

  /** NOR programming: bits can only go from 1 to 0. Bytes past the end are dropped. */
  program(offset: number, bytes: Uint8Array): void {
    const end = Math.min(offset + bytes.length, this.size)
    for (let i = offset; i < end; i++) {
      this.data[i] = (this.data[i] ?? 0xff) & (bytes[i - offset] ?? 0xff)
    }
    this.stats.bytesWritten += Math.max(0, end - offset)
  }

  read(offset: number, length: number): Buffer {
    return Buffer.from(this.data.subarray(offset, offset + length))
  }

  md5(offset: number, length: number): Buffer {
    return createHash('md5')
      .update(this.data.subarray(offset, offset + length))
      .digest()
  }
}
