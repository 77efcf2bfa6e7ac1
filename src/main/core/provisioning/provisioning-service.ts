import { EventEmitter } from 'node:events'
import { systemClock, type Clock } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import type { ProvisionInput } from './device-config'
import { DEVICE_INFO } from './device-snippets'
import { ReplError } from './errors'
import { FileUploader, type DeviceEntry, type FileUploaderOptions } from './file-uploader'
import {
  Provisioner,
  type ProvisionerOptions,
  type ProvisionProgress,
  type ProvisionResult,
} from './provisioner'
import { RawRepl, type RawReplOptions } from './raw-repl'
import { openNodeSerialLink, type OpenSerialLink, type SerialLink } from './serial-link'
import { SerialMonitor, type MonitorCloseReason } from './serial-monitor'

export interface ProvisioningServiceOptions {
  /** The firmware folder to install (firmware/ in the repo, resources/ when packaged). */
  firmwareDir: string
  openLink?: OpenSerialLink
  clock?: Clock
  logger?: Logger
  repl?: RawReplOptions
  uploader?: FileUploaderOptions
  provisioner?: Pick<ProvisionerOptions, 'observeMs' | 'observeUntil'>
}

export interface ProvisioningServiceEvents {
  'serial.data': [{ port: string; text: string }]
  'serial.closed': [{ port: string; reason: MonitorCloseReason }]
  'provision.progress': [{ port: string } & ProvisionProgress]
}

interface PortState {
  link: SerialLink
  monitor: SerialMonitor | null
  busy: boolean
}

/** Files the browser must not show: secrets stay on the board (DESIGN.md, Security). */
const UNREADABLE = /(^|\/)secrets\.py$/

/**
 * Everything the installer and the REPL console do with a board's serial port, one
 * operation per port at a time: the console (keystrokes in, output out), the REPL file
 * browser, and the one-click provisioning run. A file operation borrows the console's
 * open port (pausing its output) instead of fighting it for the port; `releasePort`
 * frees the port for the flasher.
 */
export class ProvisioningService extends EventEmitter<ProvisioningServiceEvents> {
  private readonly ports = new Map<string, PortState>()
  private readonly opening = new Map<string, Promise<PortState>>()
  private readonly lastLogs = new Map<string, string>()
  private readonly options: ProvisioningServiceOptions
  private readonly openLink: OpenSerialLink
  private readonly logger: Logger
  private readonly clock: Clock

  constructor(options: ProvisioningServiceOptions) {
    super()
    this.options = options
    this.openLink = options.openLink ?? openNodeSerialLink
    this.logger = options.logger ?? silentLogger
    this.clock = options.clock ?? systemClock
  }

  /** repl.open: an interactive console; output arrives as 'serial.data'. */
  async openConsole(port: string): Promise<void> {
    const state = await this.acquire(port)
    if (state.monitor) return
    const monitor = new SerialMonitor(state.link, { logger: this.logger })
    monitor.on('data', ({ text }) => this.emit('serial.data', { port, text }))
    monitor.on('closed', ({ reason }) => {
      if (state.monitor === monitor) state.monitor = null
      if (!state.busy) this.ports.delete(port)
      this.emit('serial.closed', { port, reason })
    })
    state.monitor = monitor
  }

  /** repl.write: keystrokes, e.g. "print(1)\r" or "\x03". */
  async writeConsole(port: string, data: string): Promise<void> {
    const monitor = this.ports.get(port)?.monitor
    if (!monitor) throw new ReplError('NOT_FOUND', `no console is open on ${port}`)
    if (this.ports.get(port)?.busy) throw this.busy(port)
    await monitor.write(data)
  }

  /** repl.close: closes the console and the port. */
  async closeConsole(port: string): Promise<void> {
    await this.ports.get(port)?.monitor?.close()
  }

  /** For the flasher: nothing of ours keeps `port` open afterwards. */
  async releasePort(port: string): Promise<void> {
    const state = this.ports.get(port)
    if (!state) return
    if (state.busy) throw this.busy(port)
    this.ports.delete(port)
    if (state.monitor) await state.monitor.close()
    else await state.link.close()
  }

  listFiles(port: string, path = '/'): Promise<DeviceEntry[]> {
    return this.withRepl(port, (files) => files.list(path))
  }

  readFile(port: string, path: string): Promise<Buffer> {
    if (UNREADABLE.test(path)) {
      return Promise.reject(
        new ReplError('FORBIDDEN', 'secrets.py is never read back from a board'),
      )
    }
    return this.withRepl(port, (files) => files.read(path))
  }

  removeFile(port: string, path: string): Promise<void> {
    return this.withRepl(port, (files) => files.remove(path))
  }

  uploadFile(port: string, path: string, data: Uint8Array): Promise<void> {
    return this.withRepl(port, (files) => files.upload({ path, data }))
  }

  /**
   * What MicroPython on the board says about itself: its base MAC (bare hex, '' when it has
   * none), `sys.platform` and version. Lets a board that keeps its MicroPython be named by
   * its MAC as on a first install, without the bootloader.
   */
  boardInfo(port: string): Promise<{ mac: string; platform: string; version: string }> {
    return this.withRawRepl(port, async (repl) => {
      const [mac = '', platform = '', version = ''] = (
        await repl.run(DEVICE_INFO, 'reading board info')
      )
        .trim()
        .split(/\s+/)
      return { mac, platform, version }
    })
  }

  /** provisioning.run: progress as 'provision.progress', board output as 'serial.data'. */
  provision(port: string, input: ProvisionInput, signal?: AbortSignal): Promise<ProvisionResult> {
    return this.withPort(port, async (link) => {
      const provisioner = new Provisioner(link, {
        firmwareDir: this.options.firmwareDir,
        clock: this.clock,
        logger: this.logger.child('provisioner'),
        ...(this.options.repl ? { repl: this.options.repl } : {}),
        ...(this.options.uploader ? { uploader: this.options.uploader } : {}),
        ...this.options.provisioner,
      })
      provisioner.on('progress', (progress) =>
        this.emit('provision.progress', { port, ...progress }),
      )
      provisioner.on('serial', (line) => this.emit('serial.data', { port, text: `${line}\n` }))
      try {
        return await provisioner.run(input, signal)
      } finally {
        this.lastLogs.set(port, provisioner.serialLog)
      }
    })
  }

  /** provisioning.log: the redacted serial capture of the last run on `port`. */
  lastSerialLog(port: string): string {
    return this.lastLogs.get(port) ?? ''
  }

  async close(): Promise<void> {
    for (const port of [...this.ports.keys()]) {
      const state = this.ports.get(port)
      this.ports.delete(port)
      await (state?.monitor ? state.monitor.close() : state?.link.close())
    }
  }

  private withRepl<T>(port: string, fn: (files: FileUploader) => Promise<T>): Promise<T> {
    return this.withRawRepl(port, (repl) =>
      fn(new FileUploader(repl, { logger: this.logger, ...this.options.uploader })),
    )
  }

  private withRawRepl<T>(port: string, fn: (repl: RawRepl) => Promise<T>): Promise<T> {
    return this.withPort(port, async (link, state) => {
      const repl = new RawRepl(link, {
        clock: this.clock,
        logger: this.logger,
        ...this.options.repl,
      })
      try {
        return await fn(repl)
      } finally {
        // Hand the console back in the friendly REPL it was in.
        if (state.monitor && link.isOpen && repl.isRaw) await repl.exit().catch(() => undefined)
        repl.dispose()
      }
    })
  }

  private async withPort<T>(
    port: string,
    fn: (link: SerialLink, state: PortState) => Promise<T>,
  ): Promise<T> {
    const state = await this.acquire(port)
    if (state.busy) throw this.busy(port)
    state.busy = true
    state.monitor?.pause()
    try {
      return await fn(state.link, state)
    } finally {
      state.busy = false
      if (state.monitor?.isOpen) {
        state.monitor.resume()
      } else {
        this.ports.delete(port)
        await state.link.close()
      }
    }
  }

  private async acquire(port: string): Promise<PortState> {
    const known = this.ports.get(port)
    if (known?.link.isOpen) return known
    // Two calls racing for a closed port share one open.
    let opening = this.opening.get(port)
    if (!opening) {
      opening = this.openLink(port).then((link) => {
        const state: PortState = { link, monitor: null, busy: false }
        this.ports.set(port, state)
        return state
      })
      this.opening.set(port, opening)
      void opening.finally(() => this.opening.delete(port)).catch(() => undefined)
    }
    return opening
  }

  private busy(port: string): ReplError {
    return new ReplError('PORT_BUSY', `${port} is busy with another operation`, {
      hint: 'Wait for the installer or file transfer to finish.',
    })
  }
}
