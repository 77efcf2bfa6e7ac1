import type { SimulatorStatus } from '../../../shared/contract/simulator'
import { ApiError } from '../../../shared/errors'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { VirtualDevice } from './virtual-device'

/** Where virtual devices connect, and how each gets its own account. */
export interface SimulatorTarget {
  url: string
  ca?: string
  /** Per-device credentials (undefined = connect without). */
  credentials?: (deviceId: string) => { username: string; password: string }
  /** Called with each username when its device stops. */
  release?: (username: string) => void
}

export interface SimulatorOptions {
  /** null when there is no broker to simulate against. */
  target: () => SimulatorTarget | null
  prefix: () => string
  clock: Clock
  logger: Logger
  keepaliveS?: number
}

/**
 * Connections opened at once: 10,000 devices come up as a steady stream (about 50 in flight,
 * each starting as another finishes), never as one storm against the broker.
 */
const CONNECT_CONCURRENCY = 50

/** The CLI's ceiling (`npm run simulate`); the UI's `simulator.start` stays at its contract's 500. */
export const MAX_DEVICES = 10_000

export interface StartOptions {
  /**
   * Device ids are `<idPrefix><n>`, n zero-padded to at least three digits (`sim-001`, or
   * `sim-00001` for 10,000). Default `sim-`. Two fleets on one broker need different prefixes:
   * the same client id would make the broker drop the older connection.
   */
  idPrefix?: string
  /** Called as devices come up (connected so far, total): progress for a large fleet. */
  onConnected?: (connected: number, total: number) => void
}

/** A fleet of virtual devices, controllable from the UI (simulator.*) and the CLI. */
export class Simulator {
  private devices: VirtualDevice[] = []
  private usernames: string[] = []
  private published = 0
  private rateHz = 0
  private startedAt: number | null = null
  private url: string | null = null
  private lastError: string | null = null

  constructor(private readonly options: SimulatorOptions) {}

  async start(count: number, rateHz: number, options: StartOptions = {}): Promise<SimulatorStatus> {
    await this.stop()
    const target = this.options.target()
    if (!target)
      throw new ApiError(
        'UNAVAILABLE',
        'No MQTT broker to run virtual devices against (the embedded broker is off).',
      )
    this.rateHz = rateHz
    this.published = 0
    this.url = target.url
    this.lastError = null
    const ids = simulatorIds(options.idPrefix ?? 'sim-', count)
    const random = Math.random
    const periodMs = 1000 / rateHz
    this.devices = ids.map((id) => {
      const credentials = target.credentials?.(id)
      if (credentials) this.usernames.push(credentials.username)
      return new VirtualDevice({
        id,
        prefix: this.options.prefix(),
        url: target.url,
        ...credentials,
        ca: target.ca,
        rateHz,
        clock: this.options.clock,
        logger: this.options.logger,
        keepaliveS: this.options.keepaliveS,
        // Spread over the period, so a fleet publishes evenly instead of in lockstep.
        firstReportMs: random() * periodMs,
        onPublished: () => this.published++,
      })
    })
    this.startedAt = this.options.clock.now()
    try {
      await this.connectAll(options.onConnected)
    } catch (error) {
      this.lastError = (error as Error).message
      await this.stop()
      throw new ApiError(
        'UNAVAILABLE',
        `Virtual devices could not connect to ${target.url}: ${this.lastError}`,
      )
    }
    this.options.logger.info('simulator started', { count, rateHz, url: target.url })
    return this.status()
  }

  /** Devices currently connected to the broker. */
  connectedCount(): number {
    let n = 0
    for (const d of this.devices) if (d.connected) n++
    return n
  }

  async stop(): Promise<SimulatorStatus> {
    const devices = this.devices
    this.devices = []
    await Promise.all(devices.map((d) => d.stop()))
    const release = this.options.target()?.release
    for (const username of this.usernames) release?.(username)
    this.usernames = []
    this.startedAt = null
    return this.status()
  }

  status(): SimulatorStatus {
    return {
      running: this.devices.length > 0,
      devices: this.devices.map((d) => d.id),
      rateHz: this.rateHz,
      published: this.published,
      startedAt: this.startedAt,
      brokerUrl: this.url,
      lastError: this.lastError,
    }
  }

  async close(): Promise<void> {
    await this.stop()
  }

  /** Starts every device, CONNECT_CONCURRENCY at a time; the first failure stops the rest. */
  private async connectAll(onConnected?: (connected: number, total: number) => void) {
    const devices = this.devices
    let next = 0
    let connected = 0
    let failed = false
    const worker = async (): Promise<void> => {
      while (!failed && next < devices.length) {
        const device = devices[next++]!
        try {
          await device.start()
        } catch (error) {
          failed = true
          throw error
        }
        onConnected?.(++connected, devices.length)
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, devices.length) }, worker))
  }
}

/** `<prefix>001`, … `<prefix>500`; `<prefix>00001` … `<prefix>10000` for larger fleets. */
export function simulatorIds(prefix: string, count: number): string[] {
  const digits = Math.max(3, String(count).length)
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(digits, '0')}`)
}
