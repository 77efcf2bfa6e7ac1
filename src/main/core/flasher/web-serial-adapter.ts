import { stat } from 'node:fs/promises'
import { SerialPort } from 'serialport'
import { systemClock, type Clock, type Timer } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import { portOpenError, type HostPlatform } from './errors'

/** The members of Web Serial's SerialPortInfo esptool-js reads. */
export interface WebSerialInfo {
  usbVendorId?: number
  usbProductId?: number
}

export interface WebSerialSignals {
  dataTerminalReady?: boolean
  requestToSend?: boolean
  break?: boolean
}

export interface NodeWebSerialOptions {
  path: string
  info?: WebSerialInfo
  logger?: Logger
  clock?: Clock
  platform?: HostPlatform
  /** How often to check that the device node still exists (unplug detection). */
  presencePollMs?: number
}

/** "Inappropriate ioctl for device" (ENOTTY) and friends: this port has no modem lines. */
const NO_MODEM_LINES = /inappropriate ioctl|ENOTTY|EINVAL|not supported/i

/**
 * The Web Serial subset esptool-js's Transport uses (getInfo, open, close, readable,
 * writable, setSignals, setBaudRate), on top of node-serialport. Two additions:
 *  - `modemLines`: ptys (and some adapters) have no DTR/RTS; setSignals then becomes a
 *    logged no-op so esptool-js's reset sequences cannot crash the session, and callers
 *    use `probeModemLines()` to pick esptool's `no_reset` mode up front;
 *  - `onLost`: the device node disappeared (cable pulled), so callers need not wait for
 *    a protocol timeout.
 */
export class NodeWebSerialPort {
  modemLines: boolean | null = null
  /** True once the port was opened successfully (so a missing node later means "unplugged"). */
  wasOpened = false
  private port: SerialPort | null = null
  private readStream: ReadableStream<Uint8Array> | null = null
  private readController: ReadableStreamDefaultController<Uint8Array> | null = null
  private writeStream: WritableStream<Uint8Array> | null = null
  private signals = { dtr: false, rts: false, brk: false }
  private presenceTimer: Timer | null = null
  private lostListeners = new Set<() => void>()
  private lost = false
  private readonly options: NodeWebSerialOptions
  private readonly logger: Logger
  private readonly clock: Clock

  constructor(options: NodeWebSerialOptions) {
    this.options = options
    this.logger = options.logger ?? silentLogger
    this.clock = options.clock ?? systemClock
  }

  get path(): string {
    return this.options.path
  }

  /** The device went away while open. */
  get wasLost(): boolean {
    return this.lost
  }

  get isOpen(): boolean {
    return this.port?.isOpen === true
  }

  getInfo(): WebSerialInfo {
    return { ...this.options.info }
  }

  async open(options: { baudRate: number }): Promise<void> {
    if (this.isOpen) throw new Error(`${this.path} is already open`)
    this.lost = false
    const port = new SerialPort({ path: this.path, baudRate: options.baudRate, autoOpen: false })
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(portOpenError(this.path, error, this.platform)) : resolve(),
      ),
    )
    this.port = port
    this.wasOpened = true
    port.on('data', (chunk: Buffer) => this.readController?.enqueue(new Uint8Array(chunk)))
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      if (error?.disconnected) this.markLost()
    })
    port.on('error', (error) => this.logger.debug('serial error', { error: error.message }))
    this.presenceTimer = this.clock.setInterval(
      () => void this.checkPresence(),
      this.options.presencePollMs ?? 200,
    )
  }

  /** A fresh stream whenever the previous one was cancelled, as in Web Serial. */
  get readable(): ReadableStream<Uint8Array> | null {
    if (!this.isOpen) return null
    if (!this.readStream) {
      this.readStream = new ReadableStream<Uint8Array>({
        start: (controller) => {
          this.readController = controller
        },
        cancel: () => {
          this.readController = null
          this.readStream = null
        },
      })
    }
    return this.readStream
  }

  get writable(): WritableStream<Uint8Array> | null {
    if (!this.isOpen) return null
    if (!this.writeStream) {
      this.writeStream = new WritableStream<Uint8Array>({
        write: (chunk) => this.write(chunk),
        // esptool-js "flushes output" by closing the writer; the port stays open.
        close: () => {
          this.writeStream = null
        },
      })
    }
    return this.writeStream
  }

  /** Web Serial semantics: members left out keep their current state. */
  async setSignals(signals: WebSerialSignals): Promise<void> {
    const port = this.port
    if (!port?.isOpen) throw new Error(`${this.path} is not open`)
    if (signals.dataTerminalReady !== undefined) this.signals.dtr = signals.dataTerminalReady
    if (signals.requestToSend !== undefined) this.signals.rts = signals.requestToSend
    if (signals.break !== undefined) this.signals.brk = signals.break
    if (this.modemLines === false) return
    try {
      await new Promise<void>((resolve, reject) =>
        port.set({ ...this.signals }, (error) => (error ? reject(error) : resolve())),
      )
      this.modemLines = true
    } catch (error) {
      if (!NO_MODEM_LINES.test(String(error))) throw error
      this.modemLines = false
      this.logger.info('no DTR/RTS on this port: automatic reset unavailable', { path: this.path })
    }
  }

  /** Reads the modem status: fails on ptys, which have no modem lines to drive. */
  async probeModemLines(): Promise<boolean> {
    const port = this.port
    if (!port?.isOpen) throw new Error(`${this.path} is not open`)
    try {
      await new Promise<void>((resolve, reject) =>
        port.get((error) => (error ? reject(error) : resolve())),
      )
      this.modemLines = true
    } catch {
      this.modemLines = false
    }
    return this.modemLines
  }

  async setBaudRate(baudRate: number): Promise<void> {
    const port = this.port
    if (!port?.isOpen) throw new Error(`${this.path} is not open`)
    await new Promise<void>((resolve, reject) =>
      port.update({ baudRate }, (error) => (error ? reject(error) : resolve())),
    )
  }

  async close(): Promise<void> {
    const port = this.port
    this.port = null
    this.stopPresence()
    this.endStreams(null)
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()))
  }

  /** Called once when the device goes away while open. Returns an unsubscribe function. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener)
    return () => this.lostListeners.delete(listener)
  }

  private get platform(): HostPlatform {
    return this.options.platform ?? process.platform
  }

  private write(chunk: Uint8Array): Promise<void> {
    const port = this.port
    if (!port?.isOpen)
      return Promise.reject(new DOMException('The port is closed.', 'InvalidStateError'))
    return new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(chunk), (error) => {
        if (error) return reject(error)
        port.drain((drainError) => (drainError ? reject(drainError) : resolve()))
      })
    })
  }

  private async checkPresence(): Promise<void> {
    if (!this.isOpen || this.lost) return
    try {
      await stat(this.path)
    } catch {
      this.markLost()
    }
  }

  private markLost(): void {
    if (this.lost) return
    this.lost = true
    this.logger.warn('serial device lost', { path: this.path })
    const port = this.port
    this.port = null
    this.stopPresence()
    this.endStreams(new DOMException('The device has been lost.', 'NetworkError'))
    if (port?.isOpen) port.close(() => undefined)
    for (const listener of this.lostListeners) listener()
  }

  private endStreams(error: Error | null): void {
    const controller = this.readController
    this.readController = null
    this.readStream = null
    this.writeStream = null
    try {
      if (error) controller?.error(error)
      else controller?.close()
    } catch {
      // Already closed or errored.
    }
  }

  private stopPresence(): void {
    if (this.presenceTimer !== null) this.clock.clearInterval(this.presenceTimer)
    this.presenceTimer = null
  }
}
