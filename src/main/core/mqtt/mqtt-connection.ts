import { connect, type IClientOptions, type IClientPublishOptions, type MqttClient } from 'mqtt'
import {
  DEFAULT_SESSION_EXPIRY_S,
  type ConnectionState,
} from '../../../shared/contract/connections'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { describeMqttError } from './describe-mqtt-error'

export interface MqttConnectionConfig {
  url: string
  username?: string
  password?: string
  protocolVersion: 4 | 5
  clientId: string
  clean: boolean
  /** MQTT 5: seconds the broker keeps a persistent session after a disconnect (default a week). */
  sessionExpiryS?: number
  subscriptions: Array<{ topic: string; qos: 0 | 1 | 2 }>
  ca?: string
  cert?: string
  key?: string
  rejectUnauthorized: boolean
}

export interface Backoff {
  initialMs: number
  maxMs: number
}

export interface MqttConnectionOptions {
  /** 'embedded' or the external connection's id: becomes MqttMessage.source. */
  id: string
  config: MqttConnectionConfig
  clock: Clock
  logger: Logger
  onMessage: (message: MqttMessage) => void
  onState: (state: ConnectionState) => void
  /** After each (re)connect, once the subscriptions are in place (SUBACK, or a session present). */
  onSubscribed?: () => void
  backoff?: Backoff
  keepaliveS?: number
  connectTimeoutMs?: number
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 30_000 }

/** mqtt.js options for a config (shared with the one-shot connection test). */
export function clientOptions(
  config: MqttConnectionConfig,
  extra: Partial<IClientOptions> = {},
): IClientOptions {
  return {
    clientId: config.clientId,
    clean: config.clean,
    protocolVersion: config.protocolVersion,
    username: config.username,
    password: config.password,
    ca: config.ca,
    cert: config.cert,
    key: config.key,
    rejectUnauthorized: config.rejectUnauthorized,
    // MQTT 5 ends a session at disconnect unless the client asks otherwise (§3.1.2.11.2):
    // without this a persistent v5 session loses what arrives while the app is away.
    ...(config.protocolVersion === 5
      ? {
          properties: {
            sessionExpiryInterval: config.clean
              ? 0
              : (config.sessionExpiryS ?? DEFAULT_SESSION_EXPIRY_S),
          },
        }
      : {}),
    // We schedule reconnects ourselves (exponential backoff); mqtt.js only retries at a fixed period.
    reconnectPeriod: 0,
    ...extra,
  }
}

/**
 * One MQTT client connection with a visible state: connecting → connected →
 * reconnecting (with the last error in words, retried with exponential backoff and
 * jitter) → connected … Every received message goes to onMessage as an MqttMessage.
 */
export class MqttConnection {
  private client?: MqttClient
  private timer?: Timer
  private stopped = false
  private errorSinceConnect = false
  private markReady!: () => void
  /** Settles the first time the connection is up with its subscriptions in place. */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve))
  private current: ConnectionState = {
    status: 'connecting',
    lastError: null,
    lastErrorAt: null,
    connectedAt: null,
    nextAttemptAt: null,
    attempts: 0,
  }

  constructor(private readonly options: MqttConnectionOptions) {}

  get state(): ConnectionState {
    return { ...this.current }
  }

  get id(): string {
    return this.options.id
  }

  start(): void {
    const { config, keepaliveS, connectTimeoutMs } = this.options
    this.stopped = false
    this.setState({ status: 'connecting', nextAttemptAt: null, attempts: 1 })
    const client = connect(
      config.url,
      clientOptions(config, {
        keepalive: keepaliveS ?? 30,
        connectTimeout: connectTimeoutMs ?? 10_000,
      }),
    )
    this.client = client
    client.on('connect', (connack) => {
      this.errorSinceConnect = false
      this.setState({
        status: 'connected',
        connectedAt: this.options.clock.now(),
        nextAttemptAt: null,
        attempts: 0,
      })
      // With a session present the broker still has our subscriptions (§3.2.2.2);
      // subscribing again would make it resend every retained message.
      if (connack.sessionPresent || config.subscriptions.length === 0) {
        this.subscribed()
      } else {
        client.subscribe(
          config.subscriptions
            .map((s) => ({ [s.topic]: { qos: s.qos } }))
            .reduce((a, b) => ({ ...a, ...b }), {}),
          (error, granted) => {
            const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic)
            if (error || refused.length > 0) {
              this.recordError(
                error ?? new Error(`subscription refused by the broker: ${refused.join(', ')}`),
              )
            } else {
              this.subscribed()
            }
          },
        )
      }
    })
    client.on('message', (topic, payload, packet) => {
      this.options.onMessage({
        topic,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        receivedAt: this.options.clock.now(),
        source: this.options.id,
      })
    })
    client.on('error', (error) => this.recordError(error))
    client.on('close', () => this.onClose())
  }

  /** Publishes through this connection; rejects when it is not connected or the broker refuses. */
  async publish(
    topic: string,
    payload: Buffer | string,
    options: IClientPublishOptions,
  ): Promise<void> {
    const client = this.client
    if (!client || this.current.status !== 'connected') {
      throw new Error(`not connected (${this.current.lastError ?? this.current.status})`)
    }
    await client.publishAsync(topic, payload, options)
  }

  async close(): Promise<void> {
    this.stopped = true
    this.clearTimer()
    const client = this.client
    this.client = undefined
    if (client) {
      // A short wait for in-flight acks, then the socket is dropped regardless.
      await Promise.race([
        client.endAsync(false).catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 1000).unref()),
      ])
      client.end(true)
    }
    this.setState({ status: 'disabled', nextAttemptAt: null })
  }

  private onClose(): void {
    if (this.stopped) return
    if (!this.errorSinceConnect) {
      this.recordError(Object.assign(new Error('closed'), { code: 'ECONNRESET' }))
    }
    this.errorSinceConnect = false
    if (this.timer !== undefined) return
    const { initialMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF
    const attempts = this.current.attempts
    const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1))
    const delay = Math.round(base * (0.8 + Math.random() * 0.4))
    this.setState({ status: 'reconnecting', nextAttemptAt: this.options.clock.now() + delay })
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined
      if (this.stopped || !this.client) return
      this.setState({ attempts: this.current.attempts + 1 })
      this.client.reconnect()
    }, delay)
  }

  private subscribed(): void {
    this.markReady()
    this.options.onSubscribed?.()
  }

  private recordError(error: unknown): void {
    this.errorSinceConnect = true
    const text = describeMqttError(error, this.options.config.url)
    this.options.logger.info('connection problem', { id: this.options.id, error: text })
    this.setState({ lastError: text, lastErrorAt: this.options.clock.now() })
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.current = { ...this.current, ...patch }
    this.options.onState(this.state)
  }
}
