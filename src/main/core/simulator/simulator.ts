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

/** Devices are connected this many at a time, so 500 of them don't hit the broker at once. */
const CONNECT_BATCH = 20

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

  async start(count: number, rateHz: number): Promise<SimulatorStatus> {
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
    const ids = Array.from({ length: count }, (_, i) => `sim-${String(i + 1).padStart(3, '0')}`)
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
        onPublished: () => this.published++,
      })
    })
    this.startedAt = this.options.clock.now()
    try {
      for (let i = 0; i < this.devices.length; i += CONNECT_BATCH) {
        await Promise.all(this.devices.slice(i, i + CONNECT_BATCH).map((d) => d.start()))
      }
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
}
