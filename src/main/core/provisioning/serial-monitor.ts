import { EventEmitter } from 'node:events'
import { silentLogger, type Logger } from '../base/logger'
import type { LinkCloseReason, SerialLink } from './serial-link'

export type MonitorCloseReason = LinkCloseReason | 'released'

export interface SerialMonitorEvents {
  /** Text as the board sent it (UTF-8 decoded across packet boundaries). */
  data: [{ text: string }]
  closed: [{ reason: MonitorCloseReason }]
}

/** Keys a console offers as buttons: the REPL's control characters. */
export const CONSOLE_KEYS = {
  interrupt: '\x03', // Ctrl-C: KeyboardInterrupt
  softReset: '\x04', // Ctrl-D on an empty line: soft reboot
  pasteMode: '\x05', // Ctrl-E: paste mode
  friendly: '\x02', // Ctrl-B: friendly REPL banner
} as const

/**
 * An interactive console on one port: keystrokes in, output events out. It can be paused
 * while a file operation borrows the same open port in raw REPL mode, and `close()`
 * releases the port completely so the flasher can open it.
 */
export class SerialMonitor extends EventEmitter<SerialMonitorEvents> {
  private paused = false
  private closed = false
  private releasing = false
  private decoder = new TextDecoder('utf-8', { fatal: false })
  private readonly offs: Array<() => void>
  private readonly link: SerialLink
  private readonly logger: Logger

  constructor(link: SerialLink, options: { logger?: Logger } = {}) {
    super()
    this.link = link
    this.logger = options.logger ?? silentLogger
    this.offs = [
      link.onData((chunk) => {
        if (this.paused) return
        const text = this.decoder.decode(chunk, { stream: true })
        if (text !== '') this.emit('data', { text })
      }),
      link.onClose((reason) => this.finish(this.releasing ? 'released' : reason)),
    ]
  }

  get path(): string {
    return this.link.path
  }

  get isOpen(): boolean {
    return !this.closed && this.link.isOpen
  }

  /** Sends keystrokes as typed (a terminal sends "\r" for Enter). */
  async write(data: string | Uint8Array): Promise<void> {
    if (!this.isOpen) throw new Error(`the console on ${this.path} is closed`)
    await this.link.write(data)
  }

  /** Stops emitting output while someone else uses the port (raw REPL file access). */
  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.decoder = new TextDecoder('utf-8', { fatal: false })
  }

  /** Closes the console and the port: the port is free for the flasher afterwards. */
  async close(): Promise<void> {
    if (this.closed) return
    this.releasing = true
    await this.link.close()
    this.finish('released')
  }

  private finish(reason: MonitorCloseReason): void {
    if (this.closed) return
    this.closed = true
    for (const off of this.offs) off()
    this.logger.debug('console closed', { port: this.path, reason })
    this.emit('closed', { reason })
  }
}
