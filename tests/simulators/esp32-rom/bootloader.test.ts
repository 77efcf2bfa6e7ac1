import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { Bootloader, type Effect } from './bootloader'
import { parseMac, simChip } from './chips'
import { FlashMemory } from './flash-memory'
import { Op, checksum, u32le } from './protocol'
import { RegisterFile } from './registers'

/** A bootloader for `chip` plus helpers to send raw command packets and read replies. */
function board(chip = 'ESP32') {
  const spec = simChip(chip)
  const flash = new FlashMemory(4 << 20)
  const registers = new RegisterFile(
    spec,
    parseMac('24:0a:c4:00:00:01'),
    spec.defaultRevision,
    flash,
    () => 115200,
  )
  const loader = new Bootloader(spec, flash, registers)
  const send = async (
    op: number,
    data: Uint8Array = new Uint8Array(0),
    chk = 0,
  ): Promise<Effect[]> => {
    const packet = new Uint8Array(8 + data.length)
    const view = new DataView(packet.buffer)
    packet[1] = op
    view.setUint16(2, data.length, true)
    view.setUint32(4, chk, true)
    packet.set(data, 8)
    return loader.handle(packet)
  }
  const replies = (effects: Effect[]) =>
    effects
      .flatMap((e) => (e.kind === 'send' ? [e.packet] : []))
      .map((p) => ({
        op: p[1],
        value: new DataView(p.buffer).getUint32(4, true),
        data: [...p.subarray(8)],
      }))
  const one = async (op: number, data?: Uint8Array, chk?: number) => {
    const [reply] = replies(await send(op, data, chk))
    if (!reply) throw new Error('no reply')
    return reply
  }
  const attach = () => one(Op.SPI_ATTACH, new Uint8Array(8))
  const dataBlock = (payload: Uint8Array, seq: number) =>
    u8([...u32le(payload.length, seq, 0, 0), ...payload])
  return { loader, flash, send, replies, one, attach, dataBlock }
}

const u8 = (values: Iterable<number>) => Uint8Array.from(values)
const SYNC = u8([0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55)])

describe('simulated ROM loader, at the packet level', () => {
  test('SYNC gets eight replies: non-zero value and 4 status bytes from the ROM, value 0 and 2 from the stub', async () => {
    const b = board()
    const rom = b.replies(await b.send(Op.SYNC, SYNC))
    expect(rom).toHaveLength(8)
    expect(rom[0]).toEqual({ op: Op.SYNC, value: 0x55201207, data: [0, 0, 0, 0] })
    b.loader.mode = 'stub'
    // esptool's sync() reads 7 more replies after the first; the stub answers like the ROM.
    expect(b.replies(await b.send(Op.SYNC, SYNC))).toEqual(
      new Array(8).fill({ op: Op.SYNC, value: 0, data: [0, 0] }),
    )
  })

  test('the stub takes FLASH_(DEFL_)BEGIN with 16 or 20 bytes (5th word: encrypted), nothing else', async () => {
    const b = board()
    b.loader.mode = 'stub'
    for (const op of [Op.FLASH_BEGIN, Op.FLASH_DEFL_BEGIN]) {
      expect((await b.one(op, u32le(0x1000, 1, 0x4000, 0x10000))).data).toEqual([0, 0])
      expect((await b.one(op, u32le(0x1000, 1, 0x4000, 0x10000, 0))).data).toEqual([0, 0])
      expect((await b.one(op, u32le(0x1000, 1, 0x4000, 0x10000, 0, 0))).data).toEqual([1, 0xc0])
      expect((await b.one(op, u32le(0x1000, 1, 0x4000))).data).toEqual([1, 0xc0])
      // 16 bytes with a block bigger than the stub's 16 KB buffer: 0xC2.
      expect((await b.one(op, u32le(0x1000, 1, 0x8000, 0x10000))).data).toEqual([1, 0xc2])
      // No flash encryption in the simulator: an encrypted write is refused, not faked.
      expect((await b.one(op, u32le(0x1000, 1, 0x4000, 0x10000, 1))).data).toEqual([1, 0xc4])
    }
  })

  test('READ_REG of 0x40001000 gives the chip-detect magic; later replies keep that value', async () => {
    const b = board('ESP32')
    expect(await b.one(Op.READ_REG, u32le(0x40001000))).toMatchObject({
      value: 0x00f01d83,
      data: [0, 0, 0, 0],
    })
    expect((await b.one(Op.SPI_ATTACH, new Uint8Array(8))).value).toBe(0x00f01d83)
  })

  test('GET_SECURITY_INFO: unsupported on ESP32, 12 bytes on ESP32-S2, chip id 9 on ESP32-S3', async () => {
    const esp32 = board('ESP32')
    await esp32.send(Op.SYNC, SYNC)
    expect(await esp32.one(Op.GET_SECURITY_INFO)).toEqual({
      op: Op.SYNC,
      value: 0x0,
      data: [1, 0x05, 0, 0],
    })
    expect((await board('ESP32-S2').one(Op.GET_SECURITY_INFO)).data).toHaveLength(12 + 4)
    const s3 = (await board('ESP32-S3').one(Op.GET_SECURITY_INFO)).data
    expect(s3).toHaveLength(20 + 4)
    expect(s3[12]).toBe(9)
  })

  test('flash commands need SPI_ATTACH on the ROM (0x06 otherwise)', async () => {
    const b = board()
    expect((await b.one(Op.FLASH_BEGIN, u32le(0x1000, 1, 0x1000, 0x10000, 0))).data).toEqual([
      1, 0x06, 0, 0,
    ])
    await b.attach()
    expect((await b.one(Op.FLASH_BEGIN, u32le(0x1000, 1, 0x1000, 0x10000, 0))).data).toEqual([
      0, 0, 0, 0,
    ])
  })

  test('a data block with a wrong checksum gets 0x07 from the ROM and 0xC1 from the stub', async () => {
    const b = board()
    await b.attach()
    const payload = new Uint8Array(0x400).fill(0xa5)
    await b.one(Op.FLASH_BEGIN, u32le(0x400, 1, 0x400, 0x20000, 0))
    expect((await b.one(Op.FLASH_DATA, b.dataBlock(payload, 0), 0x12)).data).toEqual([
      1, 0x07, 0, 0,
    ])
    expect((await b.one(Op.FLASH_DATA, b.dataBlock(payload, 0), checksum(payload))).data).toEqual([
      0, 0, 0, 0,
    ])
    expect([...b.flash.read(0x20000, 4)]).toEqual([0xa5, 0xa5, 0xa5, 0xa5])
    b.loader.mode = 'stub'
    await b.one(Op.FLASH_BEGIN, u32le(0x400, 1, 0x400, 0x30000))
    expect((await b.one(Op.FLASH_DATA, b.dataBlock(payload, 0), 0x12)).data).toEqual([1, 0xc1])
  })

  test('compressed writes inflate into flash; a broken stream is a deflate error (0x0b)', async () => {
    const b = board()
    await b.attach()
    const raw = new Uint8Array(0x3000).map((_, i) => (i * 7) & 0xff)
    const packed = deflateSync(raw)
    await b.one(Op.FLASH_DEFL_BEGIN, u32le(0x3000, 1, 0x4000, 0x8000))
    expect(
      (await b.one(Op.FLASH_DEFL_DATA, b.dataBlock(packed, 0), checksum(packed))).data,
    ).toEqual([0, 0, 0, 0])
    expect(b.flash.read(0x8000, raw.length).equals(Buffer.from(raw))).toBe(true)
    const junk = u8([1, 2, 3, 4, 5, 6])
    await b.one(Op.FLASH_DEFL_BEGIN, u32le(0x1000, 1, 0x4000, 0x20000))
    expect((await b.one(Op.FLASH_DEFL_DATA, b.dataBlock(junk, 0), checksum(junk))).data).toEqual([
      1, 0x0b, 0, 0,
    ])
  })

  test('SPI_FLASH_MD5 is 32 hex ASCII digits from the ROM and 16 raw bytes from the stub', async () => {
    const b = board()
    await b.attach()
    const md5 = createHash('md5').update(b.flash.read(0, 0x1000)).digest()
    const rom = (await b.one(Op.SPI_FLASH_MD5, u32le(0, 0x1000, 0, 0))).data
    expect(Buffer.from(rom.slice(0, 32)).toString()).toBe(md5.toString('hex'))
    b.loader.mode = 'stub'
    expect((await b.one(Op.SPI_FLASH_MD5, u32le(0, 0x1000, 0, 0))).data).toEqual([...md5, 0, 0])
  })

  test('ERASE_FLASH/ERASE_REGION exist only in the stub; regions must be sector aligned', async () => {
    const b = board()
    b.flash.program(0x5000, new Uint8Array(16))
    expect((await b.one(Op.ERASE_REGION, u32le(0x5000, 0x1000))).data).toEqual([1, 0x05, 0, 0])
    b.loader.mode = 'stub'
    expect((await b.one(Op.ERASE_REGION, u32le(0x5001, 0x1000))).data).toEqual([1, 0xc0])
    expect((await b.one(Op.ERASE_REGION, u32le(0x5000, 0x1000))).data).toEqual([0, 0])
    expect(b.flash.read(0x5000, 16).every((x) => x === 0xff)).toBe(true)
    expect((await b.one(0x77)).data).toEqual([1, 0xff])
  })

  test('a stub uploaded with MEM_BEGIN/DATA/END starts only when the entry is inside it', async () => {
    const b = board()
    const text = new Uint8Array(0x100).fill(0x11)
    await b.one(Op.MEM_BEGIN, u32le(0x100, 1, 0x1800, 0x40080000))
    expect((await b.one(Op.MEM_DATA, b.dataBlock(text, 0), checksum(text))).data).toEqual([
      0, 0, 0, 0,
    ])
    expect((await b.send(Op.MEM_END, u32le(0, 0x50000000))).map((e) => e.kind)).toEqual(['send'])
    expect((await b.send(Op.MEM_END, u32le(0, 0x40080010))).map((e) => e.kind)).toEqual([
      'send',
      'stub-started',
    ])
  })

  test('CHANGE_BAUDRATE replies first, then switches; FLASH_END 0 reboots, 1 runs the app on the ROM', async () => {
    const b = board()
    expect((await b.send(Op.CHANGE_BAUDRATE, u32le(921600, 0))).map((e) => e.kind)).toEqual([
      'send',
      'baud',
    ])
    await b.attach()
    await b.one(Op.FLASH_BEGIN, u32le(0, 0, 0x400, 0, 0))
    expect((await b.send(Op.FLASH_END, u32le(1))).map((e) => e.kind)).toEqual(['send', 'run-app'])
    b.loader.mode = 'stub'
    await b.one(Op.FLASH_BEGIN, u32le(0, 0, 0x400, 0))
    expect((await b.send(Op.FLASH_END, u32le(1))).map((e) => e.kind)).toEqual(['send'])
    await b.one(Op.FLASH_BEGIN, u32le(0, 0, 0x400, 0))
    expect((await b.send(Op.FLASH_END, u32le(0))).map((e) => e.kind)).toEqual(['send', 'reboot'])
  })

  test('the SPI user-command registers answer RDID with the flash JEDEC id', () => {
    const b = board('ESP32-C3')
    const spi = simChip('ESP32-C3').spi
    const registers = new RegisterFile(
      simChip('ESP32-C3'),
      parseMac('00:00:00:00:00:00'),
      { major: 0, minor: 4 },
      b.flash,
      () => 115200,
    )
    registers.write(spi.base + spi.usr2, (7 << 28) | 0x9f)
    registers.write(spi.base, 1 << 18)
    expect(registers.read(spi.base) & (1 << 18)).toBe(0)
    expect(registers.read(spi.base + spi.w0)).toBe(0x1640ef)
  })
})
