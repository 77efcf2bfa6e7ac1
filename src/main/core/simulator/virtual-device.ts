import { connect, type MqttClient } from 'mqtt'
import { ourTopics, type OurTopics } from '../../../shared/topics'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { ClimateWalk } from './climate-walk'

export interface VirtualDeviceOptions {
  id: string
  prefix: string
  url: string
  username?: string
  password?: string
  ca?: string
  /** Telemetry messages per second. */
  rateHz: number
  clock: Clock
  logger: Logger
  keepaliveS?: number
  random?: () => number
  /** Delay before the first telemetry (default one period); a fleet spreads these over a period. */
  firstReportMs?: number
  onPublished?: () => void
}

type Ack = { ok: boolean; extra?: Record<string, unknown> }

/**
 * A virtual ESP32 speaking exactly the firmware's protocol (firmware/lib/iotfw/mqtt_link.py,
 * payloads.py, commands.py): Last Will `status`=offline (retained, QoS 1), birth `online`
 * (retained, QoS 1), retained `info` JSON, telemetry JSON {"temperature","humidity","ts","seq"},
 * and one ack per command on `event`: {"event":"ack","cmd","ok","ref",…}.
 */
export class VirtualDevice {
  readonly topics: OurTopics
  private client?: MqttClient
  private timer?: Timer
  private seq = 0
  /** When the next telemetry is due (clock ms). */
  private nextAt = 0
  private rateHz: number
  private readonly climate: ClimateWalk
  private stopped = false

  constructor(private readonly options: VirtualDeviceOptions) {
    this.topics = ourTopics(options.prefix, options.id)
    this.rateHz = options.rateHz
    this.climate = new ClimateWalk(options.random ?? Math.random)
  }

  get id(): string {
    return this.options.id
  }

  get connected(): boolean {
    return this.client?.connected ?? false
  }

  /** Resolves once connected and the birth, info and subscription are out. */
  async start(): Promise<void> {
    const { url, id, username, password, ca, keepaliveS } = this.options
    const client = connect(url, {
      clientId: id,
      // Like the firmware: a clean session, subscribing again on every connect.
      clean: true,
      username,
      password,
      ca,
      keepalive: keepaliveS ?? 30,
      // 2–4 s, so a fleet that lost its broker does not come back as one reconnect storm.
      reconnectPeriod: 2000 + Math.round((this.options.random ?? Math.random)() * 2000),
      will: { topic: this.topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    this.client = client
    client.on('message', (topic, payload) => {
      if (topic === this.topics.cmd) void this.onCommand(payload)
    })
    client.on('error', (error) => this.options.logger.debug('virtual device error', { id, error }))
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve())
      client.once('error', reject)
    })
    await this.announce()
    // Like the firmware after a reconnect: birth, info and the command subscription again.
    client.on('connect', () => void this.announce())
    this.schedule(this.options.firstReportMs ?? 1000 / this.rateHz)
  }

  /** Clean shutdown: the will is not sent on DISCONNECT, so say offline ourselves (mqtt_link.close). */
  async stop(): Promise<void> {
    this.stopped = true
    this.clearTimer()
    const client = this.client
    if (!client) return
    if (client.connected) {
      await client
        .publishAsync(this.topics.status, 'offline', { qos: 1, retain: true })
        .catch(() => undefined)
    }
    await client.endAsync().catch(() => undefined)
  }

  /** Power cut: the socket just dies, the broker publishes the Last Will. */
  kill(): void {
    this.stopped = true
    this.clearTimer()
    this.client?.stream.destroy()
    this.client?.end(true)
  }

  /** Publishes one telemetry message now (also what "report" does). */
  async report(): Promise<void> {
    const client = this.client
    if (!client?.connected) return
    const { temperature, humidity } = this.climate.step()
    this.seq++
    const ts = Math.floor(this.options.clock.now() / 1000)
    const body = `{"temperature":${temperature},"humidity":${humidity},"ts":${ts},"seq":${this.seq}}`
    await client.publishAsync(this.topics.telemetry, body, { qos: 1 })
    this.options.onPublished?.()
  }

  private async announce(): Promise<void> {
    const client = this.client
    if (!client?.connected) return
    const { id } = this.options
    const mac = macFor(id)
    const info = {
      id,
      name: `Virtual ${id}`,
      fw: 'sim',
      mp: '1.27.0',
      chip: 'ESP32 (virtual)',
      sensor: 'DHT22',
      ip: '127.0.0.1',
      mac,
      rssi: -40 - Math.round((this.options.random ?? Math.random)() * 40),
    }
    await Promise.all([
      client.publishAsync(this.topics.status, 'online', { qos: 1, retain: true }),
      client.publishAsync(this.topics.info, JSON.stringify(info), { qos: 1, retain: true }),
      client.subscribeAsync(this.topics.cmd, { qos: 1 }),
    ]).catch((error: unknown) => this.options.logger.debug('announce failed', { id, error }))
  }

  /**
   * Reports at a fixed rate (each due one period after the last was due, not after its PUBACK,
   * so a fleet's total stays at devices × rate), one publish in flight at a time: after a slow
   * one it reports at once, then keeps the period, never a burst of catch-up messages.
   */
  private schedule(delayMs?: number): void {
    if (this.stopped) return
    const now = this.options.clock.now()
    this.nextAt =
      delayMs !== undefined ? now + delayMs : Math.max(this.nextAt + 1000 / this.rateHz, now)
    this.timer = this.options.clock.setTimeout(() => {
      void this.report()
        .catch(() => undefined)
        .finally(() => this.schedule())
    }, this.nextAt - now)
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private async onCommand(payload: Buffer): Promise<void> {
    let cmd: unknown
    try {
      cmd = JSON.parse(payload.toString('utf8'))
    } catch {
      return this.ack(null, undefined, { ok: false, extra: { error: 'invalid JSON' } })
    }
    if (typeof cmd !== 'object' || cmd === null || Array.isArray(cmd)) {
      return this.ack(null, undefined, { ok: false, extra: { error: 'expected a JSON object' } })
    }
    const body = cmd as Record<string, unknown>
    const name = typeof body.cmd === 'string' ? body.cmd : null
    await this.ack(name, body.id, this.apply(name, body))
  }

  private apply(name: string | null, body: Record<string, unknown>): Ack {
    switch (name) {
      case 'set': {
        const interval = body.interval ?? body.interval_s
        if (typeof interval !== 'number' || interval <= 0)
          return { ok: false, extra: { error: 'nothing to set' } }
        this.rateHz = 1 / interval
        this.clearTimer()
        this.schedule(interval * 1000)
        return { ok: true, extra: { applied: { interval_s: interval } } }
      }
      case 'identify':
        return {
          ok: true,
          extra: { seconds: typeof body.seconds === 'number' ? body.seconds : 10 },
        }
      case 'report':
        void this.report()
        return { ok: true }
      case 'reboot':
        this.options.clock.setTimeout(() => this.client?.reconnect(), 1000)
        return { ok: true }
      default:
        return { ok: false, extra: { error: 'unknown command' } }
    }
  }

  private async ack(name: string | null, ref: unknown, result: Ack): Promise<void> {
    const ack: Record<string, unknown> = { event: 'ack', cmd: name, ok: result.ok }
    if (ref !== undefined && ref !== null) ack.ref = ref
    Object.assign(ack, result.extra)
    ack.ts = Math.floor(this.options.clock.now() / 1000)
    await this.client
      ?.publishAsync(this.topics.event, JSON.stringify(ack), { qos: 1 })
      .catch(() => undefined)
  }
}

/** A stable, locally administered MAC derived from the id (02:… = not a real vendor). */
function macFor(id: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  const bytes = [
    0x02,
    0x00,
    (hash >>> 24) & 255,
    (hash >>> 16) & 255,
    (hash >>> 8) & 255,
    hash & 255,
  ]
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}
