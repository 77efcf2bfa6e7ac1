import type { SimChip } from './chips'
import { SECTOR_SIZE, type FlashMemory } from './flash-memory'
import { FlashSession, MemSession } from './sessions'
import { Op, RomError, StubError, parseRequest, statusReply, u32le, words } from './protocol'
import type { RegisterFile } from './registers'

/** What the chip is running: the ROM download loader, the uploaded stub, or the app. */
export type LoaderMode = 'rom' | 'stub' | 'app'

/** Side effects of one command, in the order the I/O layer must perform them. */
export type Effect =
  | { kind: 'send'; packet: Uint8Array }
  | { kind: 'baud'; baud: number }
  /** MEM_END jumped into the uploaded stub: it announces itself with "OHAI". */
  | { kind: 'stub-started' }
  /** Software reset: back to the ROM download loader (strapping pins are kept). */
  | { kind: 'reboot' }
  /** FLASH_END "run user code" / RUN_USER_CODE: the loader exits to the application. */
  | { kind: 'run-app' }

/** Faults decided at the protocol level (I/O faults live in the simulator). */
export interface ProtocolFaults {
  /** Answer this many FLASH_(DEFL_)DATA blocks with `seq` with a checksum error. */
  badChecksum?: { seq: number; times: number }
  /** Flip a bit of this flash address right after it is written (MD5 must catch it). */
  corruptFlashAt?: number
}

/** The stub's receive buffer for one data block (stub_flasher.h `MAX_WRITE_BLOCK`). */
const STUB_MAX_WRITE_BLOCK = 0x4000

const SYNC_PAYLOAD = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55)])
const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i])

/**
 * The command interpreter of the ROM serial loader and of the esptool stub that replaces
 * it, per the esptool docs (advanced-topics/serial-protocol). Differences it keeps:
 *  - ROM replies end in 4 status bytes, the stub's in 2 ("Status bytes");
 *  - both answer one SYNC with 8 replies; the ROM's carry a non-zero value, the stub's 0
 *    (esptool uses that to notice a stub that is already running);
 *  - the ROM's reply value is "sticky" (the last READ_REG result, as in real traces);
 *  - SPI_FLASH_MD5 is 32 hex ASCII bytes from the ROM, 16 raw bytes from the stub;
 *  - ERASE_FLASH/ERASE_REGION/RUN_USER_CODE exist only in the stub;
 *  - the ROM erases the whole region at *_BEGIN; the stub erases sectors just in time;
 *  - the ROM needs SPI_ATTACH before any flash command.
 */
export class Bootloader {
  mode: LoaderMode = 'rom'
  faults: ProtocolFaults = {}
  private lastValue = 0
  private lastOp = 0
  private spiAttached = false
  private flashSession: FlashSession | null = null
  private memSession = new MemSession()
  private readonly chip: SimChip
  private readonly flash: FlashMemory
  private readonly registers: RegisterFile

  constructor(chip: SimChip, flash: FlashMemory, registers: RegisterFile) {
    this.chip = chip
    this.flash = flash
    this.registers = registers
  }

  /** Power-on or software reset into the ROM download loader. */
  reset(mode: LoaderMode = 'rom'): void {
    this.mode = mode
    this.lastValue = 0
    this.lastOp = 0
    this.spiAttached = false
    this.flashSession?.close()
    this.flashSession = null
    this.memSession = new MemSession()
  }

  async handle(packet: Uint8Array): Promise<Effect[]> {
    if (this.mode === 'app') return []
    const parsed = parseRequest(packet)
    if (!parsed.ok) return [this.fail(parsed.op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
    const { op, data, checksum } = parsed.request
    const effects = await this.dispatch(op, data, checksum)
    if (effects !== null) {
      if (this.mode === 'rom') this.lastOp = op
      return effects
    }
    // Unknown here. The stub echoes the command with 0xFF. The ROM's reply carries a
    // different command byte (esptool and esptool-js only raise UnsupportedCommandError
    // when it differs); we send the last command it did handle, like its sticky value.
    if (this.mode === 'stub') return [this.fail(op, 0, StubError.CMD_NOT_IMPLEMENTED)]
    return [this.reply(this.lastOp, new Uint8Array(0), RomError.INVALID_MESSAGE)]
  }

  private async dispatch(op: number, data: Uint8Array, chk: number): Promise<Effect[] | null> {
    const w = words(data)
    const rom = this.mode === 'rom'
    switch (op) {
      case Op.SYNC:
        if (!equal(data, SYNC_PAYLOAD))
          return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
        // Eight replies from both: esptool's sync() reads 7 more after the first, and the
        // stub copies the ROM so that a chip whose stub is still running (esptool
        // `--after no_reset`, then `--before no_reset`) can be synced again; value 0 is how
        // esptool tells the stub apart (`sync_stub_detected`).
        return Array.from({ length: 8 }, () =>
          this.reply(op, new Uint8Array(0), undefined, rom ? this.chip.syncValue : 0),
        )
      case Op.READ_REG: {
        if (data.length !== 4)
          return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
        const value = this.registers.read(w[0] ?? 0)
        if (rom) this.lastValue = value
        return [this.reply(op, new Uint8Array(0), undefined, value)]
      }
      case Op.WRITE_REG:
        if (data.length === 0 || data.length % 16 !== 0)
          return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
        for (let i = 0; i + 3 < w.length; i += 4)
          this.registers.write(w[i] ?? 0, w[i + 1] ?? 0, w[i + 2] ?? 0)
        return [this.ok(op)]
      case Op.SPI_ATTACH:
        // "On ESP32 ROM loader only, there is an additional 4 bytes in the data payload".
        if (data.length !== (rom ? 8 : 4))
          return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
        this.spiAttached = true
        return [this.ok(op)]
      case Op.SPI_SET_PARAMS:
        if (data.length !== 24)
          return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
        return [this.ok(op)]
      case Op.CHANGE_BAUDRATE: {
        const [baud = 0] = w
        if (data.length !== 8 || baud < 300)
          return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
        // Replied to at the old rate; the switch happens after the reply has gone out.
        return [this.ok(op), { kind: 'baud', baud }]
      }
      case Op.GET_SECURITY_INFO:
        return this.securityInfo(op)
      case Op.SPI_FLASH_MD5:
        return [this.md5(op, w)]
      case Op.FLASH_BEGIN:
      case Op.FLASH_DEFL_BEGIN:
        return [this.flashBegin(op, data, w)]
      case Op.FLASH_DATA:
      case Op.FLASH_DEFL_DATA:
        return [await this.flashData(op, data, chk)]
      case Op.FLASH_END:
      case Op.FLASH_DEFL_END:
        return this.flashEnd(op, w)
      case Op.MEM_BEGIN:
      case Op.MEM_DATA:
      case Op.MEM_END:
        return this.mem(op, data, chk, w)
      case Op.ERASE_FLASH:
        if (rom) return null
        this.flash.eraseAll()
        return [this.ok(op)]
      case Op.ERASE_REGION: {
        if (rom) return null
        const [offset = 0, size = 0] = w
        if (offset % SECTOR_SIZE || size % SECTOR_SIZE || !this.flash.contains(offset, size)) {
          return [this.fail(op, 0, StubError.BAD_DATA_LEN)]
        }
        this.flash.eraseRange(offset, size)
        return [this.ok(op)]
      }
      case Op.RUN_USER_CODE:
        return rom ? null : [{ kind: 'run-app' }]
      default:
        return null
    }
  }

  private securityInfo(op: number): Effect[] | null {
    const kind = this.chip.securityInfo
    if (kind === 'unsupported') return null
    // 32-bit flags, flash_crypt_cnt, 7 key purposes, then (not on ESP32-S2) chip id and API version.
    const body = new Uint8Array(kind === 'short' ? 12 : 20)
    if (kind === 'full') body.set(u32le(this.chip.imageChipId, 0), 12)
    return [this.ok(op, body)]
  }

  private md5(op: number, w: number[]): Effect {
    const [offset = 0, size = 0] = w
    if (w.length !== 4) return this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)
    if (this.mode === 'rom' && !this.spiAttached) return this.fail(op, RomError.FAILED_TO_ACT, 0)
    if (!this.flash.contains(offset, size))
      return this.fail(op, RomError.FLASH_READ, StubError.FAILED_SPI_OP)
    const digest = this.flash.md5(offset, size)
    const body = this.mode === 'rom' ? new TextEncoder().encode(digest.toString('hex')) : digest
    return this.ok(op, body)
  }

  /**
   * FLASH_BEGIN / FLASH_DEFL_BEGIN: size, blocks, block size, offset, and an optional 5th
   * word "encrypted". esptool.py always sends the 5th word to the stub and to every ROM but
   * ESP32/ESP8266 (loader.py `flash_begin`/`flash_defl_begin`); esptool-js sends it to
   * every ROM on FLASH_BEGIN. So both loaders take 16 or 20 bytes. The stub refuses a
   * 16-byte request whose block exceeds its 16 KB buffer with 0xC2 (stub_flasher.c).
   */
  private flashBegin(op: number, data: Uint8Array, w: number[]): Effect {
    const rom = this.mode === 'rom'
    const [size = 0, blocks = 0, blockSize = 0, offset = 0, encrypted = 0] = w
    if (!rom && data.length === 16 && blockSize > STUB_MAX_WRITE_BLOCK)
      return this.fail(op, 0, StubError.BAD_BLOCKSIZE)
    if (data.length !== 16 && data.length !== 20)
      return this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)
    if (rom && !this.spiAttached) return this.fail(op, RomError.FAILED_TO_ACT, 0)
    // The simulator has no flash encryption: refuse rather than write plaintext.
    if (encrypted !== 0) return this.fail(op, RomError.FAILED_TO_ACT, StubError.FAILED_SPI_OP)
    if (offset > this.flash.size || (blocks > 0 && blockSize === 0))
      return this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_BLOCKSIZE)
    this.flashSession?.close()
    const compressed = op === Op.FLASH_DEFL_BEGIN
    this.flashSession = new FlashSession(this.flash, {
      compressed,
      offset,
      size,
      blocks,
      blockSize,
      eraseNow: rom,
    })
    return this.ok(op)
  }

  private async flashData(op: number, data: Uint8Array, chk: number): Promise<Effect> {
    const session = this.flashSession
    const compressed = op === Op.FLASH_DEFL_DATA
    if (!session || session.compressed !== compressed)
      return this.fail(op, RomError.INVALID_MESSAGE, StubError.NOT_IN_FLASH_MODE)
    const [length = 0, seq = 0] = words(data.subarray(0, 8))
    const payload = data.subarray(16)
    if (data.length < 16 || length !== payload.length)
      return this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)
    const fault = this.faults.badChecksum
    const forcedBad = fault !== undefined && fault.seq === seq && fault.times > 0
    if (forcedBad) fault.times--
    if (forcedBad || (chk & 0xff) !== session.checksumOf(payload)) {
      return this.fail(op, RomError.INVALID_CRC, StubError.BAD_DATA_CHECKSUM)
    }
    if (seq !== session.nextSeq)
      return this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)
    const result = await session.write(payload)
    if (result === 'inflate-error') return this.fail(op, RomError.DEFLATE, StubError.INFLATE)
    if (result === 'too-much') return this.fail(op, RomError.FLASH_WRITE, StubError.TOO_MUCH_DATA)
    this.maybeCorrupt(result.start, result.end)
    return this.ok(op)
  }

  private maybeCorrupt(start: number, end: number): void {
    const at = this.faults.corruptFlashAt
    if (at === undefined || at < start || at >= end) return
    this.flash.data[at] = (this.flash.data[at] ?? 0) ^ 0x01
    this.faults.corruptFlashAt = undefined
  }

  private flashEnd(op: number, w: number[]): Effect[] {
    if (!this.flashSession)
      return [this.fail(op, RomError.INVALID_MESSAGE, StubError.NOT_IN_FLASH_MODE)]
    const [runUserCode = 0] = w
    this.flashSession.close()
    this.flashSession = null
    // Argument 0 reboots (a software reset keeps the download-mode strapping); 1 runs the
    // user code on the ROM, while the stub just stays (esptool sends 1 to stay in the stub).
    if (runUserCode === 0) return [this.ok(op), { kind: 'reboot' }]
    return this.mode === 'rom' ? [this.ok(op), { kind: 'run-app' }] : [this.ok(op)]
  }

  private mem(op: number, data: Uint8Array, chk: number, w: number[]): Effect[] {
    const mem = this.memSession
    if (op === Op.MEM_BEGIN) {
      if (data.length !== 16)
        return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
      const [size = 0, blocks = 0, blockSize = 0, offset = 0] = w
      mem.begin(size, blocks, blockSize, offset)
      return [this.ok(op)]
    }
    if (op === Op.MEM_DATA) {
      const [length = 0, seq = 0] = w
      const payload = data.subarray(16)
      if (!mem.active) return [this.fail(op, RomError.INVALID_MESSAGE, StubError.NOT_IN_FLASH_MODE)]
      if (length !== payload.length)
        return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
      if ((chk & 0xff) !== mem.checksumOf(payload))
        return [this.fail(op, RomError.INVALID_CRC, StubError.BAD_DATA_CHECKSUM)]
      if (!mem.write(seq, payload))
        return [this.fail(op, RomError.INVALID_MESSAGE, StubError.BAD_DATA_LEN)]
      return [this.ok(op)]
    }
    // MEM_END: words are (flag, entry); flag 0 means "jump to entry" (esptool mem_finish).
    const [noEntry = 1, entry = 0] = w
    const effects: Effect[] = [this.ok(op)]
    if (this.mode === 'rom' && noEntry === 0 && mem.contains(entry))
      effects.push({ kind: 'stub-started' })
    return effects
  }

  private ok(op: number, body: Uint8Array = new Uint8Array(0)): Effect {
    return this.reply(op, body)
  }

  private fail(op: number, romCode: number, stubCode: number): Effect {
    return this.reply(op, new Uint8Array(0), this.mode === 'rom' ? romCode : stubCode)
  }

  private reply(op: number, body: Uint8Array, error?: number, value?: number): Effect {
    const rom = this.mode === 'rom'
    const v = value ?? (rom ? this.lastValue : 0)
    return { kind: 'send', packet: statusReply(rom, op, v, body, error) }
  }
}
