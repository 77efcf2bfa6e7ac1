import { EventEmitter } from 'node:events'
import type { Clock, Timer } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import type { SerialPortScanner } from './serial-ports'
import type { PortInfo, PortsChanged } from './types'

interface PortWatcherEvents {
  changed: [PortsChanged]
}

const key = (port: PortInfo) =>
  `${port.path}|${port.vendorId ?? ''}:${port.productId ?? ''}|${port.serialNumber ?? ''}`

/**
 * Hot-plug detection by polling the scanner (portable: no udev/IOKit hooks needed).
 * Emits `changed` with what was added and removed since the previous scan; the first
 * scan only sets the baseline.
 */
export class PortWatcher extends EventEmitter<PortWatcherEvents> {
  private known = new Map<string, PortInfo>()
  private timer: Timer | null = null
  private scanning = false
  private started = false
  private readonly scanner: SerialPortScanner
  private readonly clock: Clock
  private readonly intervalMs: number
  private readonly logger: Logger

  constructor(
    scanner: SerialPortScanner,
    clock: Clock,
    intervalMs = 1000,
    logger: Logger = silentLogger,
  ) {
    super()
    this.scanner = scanner
    this.clock = clock
    this.intervalMs = intervalMs
    this.logger = logger
  }

  get ports(): PortInfo[] {
    return [...this.known.values()]
  }

  async start(): Promise<PortInfo[]> {
    if (this.started) return this.ports
    this.started = true
    await this.poll(true)
    this.timer = this.clock.setInterval(() => void this.poll(false), this.intervalMs)
    return this.ports
  }

  stop(): void {
    if (this.timer !== null) this.clock.clearInterval(this.timer)
    this.timer = null
    this.started = false
  }

  /** One scan now; resolves after any `changed` event it causes. */
  async poll(baseline = false): Promise<void> {
    if (this.scanning) return
    this.scanning = true
    try {
      const ports = await this.scanner.list()
      const next = new Map(ports.map((port) => [key(port), port]))
      const added = ports.filter((port) => !this.known.has(key(port)))
      const removed = [...this.known.entries()]
        .filter(([k]) => !next.has(k))
        .map(([, port]) => port)
      this.known = next
      if (!baseline && (added.length > 0 || removed.length > 0))
        this.emit('changed', { added, removed, ports })
    } catch (error) {
      this.logger.warn('port scan failed', { error: String(error) })
    } finally {
      this.scanning = false
    }
  }
}
