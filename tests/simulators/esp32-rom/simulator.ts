import { EventEmitter } from 'node:events'
import { SerialPort } from 'serialport'
import type { PtyPair } from '../pty'
import { Bootloader, type Effect, type LoaderMode, type ProtocolFaults } from './bootloader'
import { parseMac, simChip, type Revision, type SimChip } from './chips'
import { FlashMemory } from './flash-memory'
import { OP_NAMES, Op, parseRequest, words } from './protocol'
import { RegisterFile } from './registers'
import { SlipDecoder, slipEncode } from './slip'

export const ROM_BAUD = 115200

/** Faults for tests: protocol-level ones plus line-level ones handled here. */
export interface SimFaults extends ProtocolFaults {
  /** Never answer anything: a board that is not in download mode (no sync). */
  silent?: boolean
  /** From this FLASH_(DEFL_)DATA sequence number on, stop answering (timeout mid-transfer). */
  stallAtBlock?: number
  /** When this data block arrives, kill the pty pair: the USB cable was pulled. */
  vanishAtBlock?: number
  /** Never answer CHANGE_BAUDRATE (the host must fall back to 115200). */
  ignoreBaudChange?: boolean
}

export interface SimulatorOptions {
  /** The pty end this simulator serves. */
  path: string
  /** `ESP32` (default), `ESP32-S2`, `ESP32-S3`, `ESP32-C3`, `ESP32-C6`. */
  chip?: string
  /** Flash size in bytes (default 4 MB). */
  flashSize?: number
  mac?: string
  revision?: Revision
  faults?: SimFaults
  /** The pty pair, so `vanishAtBlock` can unplug it. */
  pty?: PtyPair
  /** Flash contents to keep across a simulated power cycle (replug). */
  flash?: FlashMemory
  log?: (line: string) => void
}

interface SimEvents {
  command: [{ op: number; name: string }]
  'data-block': [{ op: number; seq: number }]
  baud: [number]
  'stub-started': []
  reboot: []
  'app-started': []
  vanished: []
}

const OHAI = new TextEncoder().encode('OHAI')

/**
 * A simulated ESP32-family chip held in download mode, behind a serial pty: it speaks
 * the ROM serial loader protocol (and becomes the esptool stub once that is uploaded)
 * over SLIP, keeps its flash in memory and can misbehave on request.
 */
export class Esp32RomSimulator extends EventEmitter<SimEvents> {
  readonly chip: SimChip
  readonly flash: FlashMemory
  readonly mac: string
  faults: SimFaults
  /** Names of the commands received, in order (for assertions). */
  readonly commands: string[] = []
  private readonly loader: Bootloader
  private readonly decoder = new SlipDecoder()
  private readonly options: SimulatorOptions
  private port: SerialPort | null = null
  private baud = ROM_BAUD
  private stalled = false
  private queue: Promise<void> = Promise.resolve()

  private constructor(options: SimulatorOptions) {
    super()
    this.options = options
    this.chip = simChip(options.chip ?? 'ESP32')
    this.flash = options.flash ?? new FlashMemory(options.flashSize ?? 4 * 1024 * 1024)
    this.mac = options.mac ?? '24:0a:c4:12:34:56'
    this.faults = { ...options.faults }
    const registers = new RegisterFile(
      this.chip,
      parseMac(this.mac),
      options.revision ?? this.chip.defaultRevision,
      this.flash,
      () => this.baud,
    )
    this.loader = new Bootloader(this.chip, this.flash, registers)
    this.loader.faults = this.faults
  }

  /** Opens `options.path` and prints the ROM's download-mode banner, like a fresh boot. */
  static async start(options: SimulatorOptions): Promise<Esp32RomSimulator> {
    const sim = new Esp32RomSimulator(options)
    sim.port = await new Promise<SerialPort>((resolve, reject) => {
      const port = new SerialPort({ path: options.path, baudRate: ROM_BAUD }, (error) =>
        error ? reject(error) : resolve(port),
      )
    })
    sim.port.on('data', (chunk: Buffer) => sim.receive(chunk))
    sim.port.on('error', (error) => sim.log(`port error: ${error.message}`))
    if (!sim.faults.silent) await sim.write(new TextEncoder().encode(sim.chip.banner))
    return sim
  }

  get mode(): LoaderMode {
    return this.loader.mode
  }

  get baudRate(): number {
    return this.baud
  }

  /** Replaces the faults (protocol faults included) for what follows. */
  setFaults(faults: SimFaults): void {
    this.faults = { ...faults }
    this.loader.faults = this.faults
    this.stalled = false
  }

  /** Someone pressed RESET (holding BOOT for `download`): power-on state, 115200 baud. */
  async reset(into: 'download' | 'app' = 'download'): Promise<void> {
    await this.queue
    this.stalled = false
    this.loader.reset(into === 'download' ? 'rom' : 'app')
    this.decoder.reset()
    await this.setBaud(ROM_BAUD)
    await this.write(
      new TextEncoder().encode(into === 'download' ? this.chip.banner : this.appBanner()),
    )
  }

  /** Bytes of the simulated flash. */
  readFlash(offset: number, length: number): Buffer {
    return this.flash.read(offset, length)
  }

  async close(): Promise<void> {
    const port = this.port
    this.port = null
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()))
  }

  private receive(chunk: Buffer): void {
    for (const packet of this.decoder.push(chunk)) {
      this.queue = this.queue
        .then(() => this.process(packet))
        .catch((error: unknown) => this.log(`error: ${String(error)}`))
    }
  }

  private async process(packet: Uint8Array): Promise<void> {
    if (this.faults.silent || this.stalled || !this.port) return
    const parsed = parseRequest(packet)
    if (parsed.ok) {
      const { op, data } = parsed.request
      const name = OP_NAMES[op] ?? `0x${op.toString(16)}`
      this.commands.push(name)
      this.emit('command', { op, name })
      if (op === Op.FLASH_DATA || op === Op.FLASH_DEFL_DATA) {
        const seq = words(data.subarray(0, 8))[1] ?? 0
        this.emit('data-block', { op, seq })
        if (this.faults.vanishAtBlock !== undefined && seq >= this.faults.vanishAtBlock) {
          return this.vanish()
        }
        if (this.faults.stallAtBlock !== undefined && seq >= this.faults.stallAtBlock) {
          this.stalled = true
          return
        }
      }
      if (op === Op.CHANGE_BAUDRATE && this.faults.ignoreBaudChange) return
    }
    for (const effect of await this.loader.handle(packet)) await this.apply(effect)
  }

  private async apply(effect: Effect): Promise<void> {
    switch (effect.kind) {
      case 'send':
        return this.write(slipEncode(effect.packet))
      case 'baud':
        await this.setBaud(effect.baud)
        this.emit('baud', effect.baud)
        return
      case 'stub-started':
        // The stub's first words: the only unsolicited packet in the protocol.
        this.loader.mode = 'stub'
        await new Promise((resolve) => setTimeout(resolve, 5))
        await this.write(slipEncode(OHAI))
        this.emit('stub-started')
        return
      case 'reboot':
        this.loader.reset('rom')
        await this.setBaud(ROM_BAUD)
        await this.write(new TextEncoder().encode(this.chip.banner))
        this.emit('reboot')
        return
      case 'run-app':
        this.loader.reset('app')
        await this.write(new TextEncoder().encode(this.appBanner()))
        this.emit('app-started')
        return
    }
  }

  /** What the second-stage bootloader would print, given what is in flash now. */
  private appBanner(): string {
    const offset = this.chip.bootloaderOffset
    const header = this.flash.read(offset, 8)
    const head = `\r\nrst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n`
    if (header[0] !== 0xe9)
      return `${head}invalid header: 0x${header.readUInt32LE(0).toString(16)}\r\n`
    return `${head}entry 0x${header.readUInt32LE(4).toString(16)}\r\n`
  }

  private async vanish(): Promise<void> {
    this.stalled = true
    this.emit('vanished')
    await this.options.pty?.kill()
    await this.close()
  }

  /** Waits until the bytes have left, so a following baud change cannot garble them. */
  private async write(bytes: Uint8Array): Promise<void> {
    const port = this.port
    if (!port?.isOpen) return
    await new Promise<void>((resolve) => {
      port.write(Buffer.from(bytes), () => port.drain(() => resolve()))
    })
  }

  private async setBaud(baud: number): Promise<void> {
    this.baud = baud
    const port = this.port
    if (!port?.isOpen) return
    await new Promise<void>((resolve, reject) =>
      port.update({ baudRate: baud }, (error) => (error ? reject(error) : resolve())),
    )
  }

  private log(line: string): void {
    this.options.log?.(`[esp32-sim] ${line}`)
  }
}
