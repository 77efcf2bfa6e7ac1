import { deflateSync } from 'node:zlib'
import { SerialPort } from 'serialport'
import { Op, checksum, u32le } from './protocol'
import { SlipDecoder, slipEncode } from './slip'

/**
 * The host half of esptool.py 4.x (esptool/loader.py, `ESPLoader`), frame for frame, for
 * checking the simulator against what the real tool sends when the real tool cannot be
 * installed (it is on PyPI only, not in Debian bookworm). Each method names the esptool
 * function it follows; the packing strings are esptool's.
 */
export class EsptoolHost {
  /** False until MEM_END has started the stub ("OHAI"), or SYNC found one running. */
  isStub = false
  /** esptool's `sync_stub_detected`: every SYNC reply carried value 0. */
  syncStubDetected = false
  private readonly decoder = new SlipDecoder()
  private readonly inbox: Uint8Array[] = []
  private waiter: (() => void) | null = null

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      this.inbox.push(...this.decoder.push(chunk))
      this.waiter?.()
    })
  }

  static async open(path: string): Promise<EsptoolHost> {
    const port = await new Promise<SerialPort>((resolve, reject) => {
      const p = new SerialPort({ path, baudRate: 115200 }, (e) => (e ? reject(e) : resolve(p)))
    })
    return new EsptoolHost(port)
  }

  async close(): Promise<void> {
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()))
  }

  /** `ESPLoader.read()`: the next SLIP frame, or "Timed out waiting for packet header". */
  async read(timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs
    while (this.inbox.length === 0) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('Timed out waiting for packet header')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiter = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.waiter = null
    }
    return this.inbox.shift() as Uint8Array
  }

  /**
   * `ESPLoader.command()`: `struct.pack("<BBHI", 0x00, op, len(data), chk) + data`, SLIP
   * framed; then reads until a reply (byte 0 = 1) for `op` arrives (any reply if op is
   * null). Returns the reply's value and data.
   */
  async command(
    op: number | null,
    data: Uint8Array = new Uint8Array(0),
    chk = 0,
    timeoutMs = 3000,
  ): Promise<{ value: number; data: Uint8Array }> {
    if (op !== null) {
      const packet = new Uint8Array(8 + data.length)
      const view = new DataView(packet.buffer)
      packet[1] = op
      view.setUint16(2, data.length, true)
      view.setUint32(4, chk, true)
      packet.set(data, 8)
      await new Promise<void>((resolve, reject) =>
        this.port.write(Buffer.from(slipEncode(packet)), (e) => (e ? reject(e) : resolve())),
      )
    }
    for (let retry = 0; retry < 100; retry++) {
      const p = await this.read(timeoutMs)
      if (p.length < 8 || p[0] !== 1) continue
      if (op === null || p[1] === op) {
        const value = new DataView(p.buffer, p.byteOffset).getUint32(4, true)
        return { value, data: p.subarray(8) }
      }
    }
    throw new Error("Response doesn't match request.")
  }

  /**
   * `ESPLoader.check_command()`: the first 2 status bytes after `respLen` bytes of data must
   * be 0; otherwise "Failed to <what> (result was SSEE)", as esptool prints it.
   */
  async check(what: string, op: number, data?: Uint8Array, chk = 0, respLen = 0) {
    const reply = await this.command(op, data, chk)
    const status = reply.data.subarray(respLen, respLen + 2)
    if (reply.data.length < respLen + 2 || status[0] !== 0) {
      const code = [...status].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')
      throw new Error(`Failed to ${what} (result was ${code})`)
    }
    return respLen > 0 ? reply.data.subarray(0, respLen) : reply.value
  }

  /** `ESPLoader.sync()`: one SYNC (0.1 s timeout), then 7 more replies read with `command()`. */
  async sync(): Promise<void> {
    const payload = Uint8Array.from([0x07, 0x07, 0x12, 0x20, ...new Array<number>(32).fill(0x55)])
    let { value } = await this.command(Op.SYNC, payload, 0, 100)
    this.syncStubDetected = value === 0
    for (let i = 0; i < 7; i++) {
      ;({ value } = await this.command(null, undefined, 0, 100))
      this.syncStubDetected &&= value === 0
    }
  }

  /** `ESPLoader.run_stub()`: MEM_BEGIN/MEM_DATA per segment, MEM_END(entry), expect "OHAI". */
  async runStub(text: Uint8Array, textStart: number): Promise<void> {
    if (this.syncStubDetected) {
      this.isStub = true
      return
    }
    const block = 0x1800 // ESP_RAM_BLOCK
    const blocks = Math.ceil(text.length / block)
    await this.check(
      'enter RAM download mode',
      Op.MEM_BEGIN,
      u32le(text.length, blocks, block, textStart),
    )
    for (let seq = 0; seq < blocks; seq++) {
      const chunk = text.subarray(seq * block, (seq + 1) * block)
      const data = concat(u32le(chunk.length, seq, 0, 0), chunk)
      await this.check('write to target RAM', Op.MEM_DATA, data, checksum(chunk))
    }
    await this.check('leave RAM download mode', Op.MEM_END, u32le(0, textStart))
    const ohai = new TextDecoder().decode(await this.read(3000))
    if (ohai !== 'OHAI') throw new Error(`Failed to start stub. Unexpected response: ${ohai}`)
    this.isStub = true
  }

  /** `flash_spi_attach(0)`: `struct.pack("<I", 0)`, plus 4 more bytes for a ROM loader. */
  async spiAttach(): Promise<void> {
    const arg = this.isStub ? u32le(0) : concat(u32le(0), new Uint8Array(4))
    await this.check('configure SPI flash pins', Op.SPI_ATTACH, arg)
  }

  /**
   * `write_flash -z` for one image with the stub (cmds.py `write_flash`): FLASH_DEFL_BEGIN
   * with `struct.pack("<IIII", write_size, num_blocks, FLASH_WRITE_SIZE, offset)` plus
   * `struct.pack("<I", encrypted)` — always for the stub, and for every ROM but ESP32 and
   * ESP8266 ("ESP32 and ESP8266 ROMs do not support extended parameter format") — then
   * FLASH_DEFL_DATA blocks, SPI_FLASH_MD5 (16 raw bytes from the stub), and for
   * `--after no_reset` `flash_begin(0, 0)` + `flash_defl_finish(False)` to stay in the stub.
   * Returns the MD5 the chip reported.
   */
  async writeFlashCompressed(image: Uint8Array, offset: number, chipName: string): Promise<string> {
    const extended = this.isStub || !['ESP32', 'ESP8266'].includes(chipName)
    const writeSize = this.isStub ? 0x4000 : 0x400 // FLASH_WRITE_SIZE: stub class, ROM class
    const packed = deflateSync(image, { level: 9 })
    const numBlocks = Math.ceil(packed.length / writeSize)
    const size = this.isStub ? image.length : Math.ceil(image.length / writeSize) * writeSize
    const begin = u32le(size, numBlocks, writeSize, offset)
    await this.check(
      'enter compressed flash mode',
      Op.FLASH_DEFL_BEGIN,
      extended ? concat(begin, u32le(0)) : begin,
    )
    for (let seq = 0; seq < numBlocks; seq++) {
      const chunk = packed.subarray(seq * writeSize, (seq + 1) * writeSize)
      const data = concat(u32le(chunk.length, seq, 0, 0), chunk)
      await this.check(
        `write compressed data to flash after seq ${seq}`,
        Op.FLASH_DEFL_DATA,
        data,
        checksum(chunk),
      )
    }
    const respLen = this.isStub ? 16 : 32
    const md5 = await this.check(
      'calculate md5sum',
      Op.SPI_FLASH_MD5,
      u32le(offset, image.length, 0, 0),
      0,
      respLen,
    )
    // `flash_begin(0, 0)`, then `flash_defl_finish(reboot=False)` sends FLASH_DEFL_END with 1.
    const zero = u32le(0, 0, writeSize, 0)
    await this.check(
      'enter flash download mode',
      Op.FLASH_BEGIN,
      extended ? concat(zero, u32le(0)) : zero,
    )
    await this.check('leave compressed flash mode', Op.FLASH_DEFL_END, u32le(1))
    return this.isStub
      ? Buffer.from(md5 as Uint8Array).toString('hex')
      : new TextDecoder().decode(md5 as Uint8Array)
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
