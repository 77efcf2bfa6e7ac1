import { randomBytes } from 'node:crypto'
import type { IClientPublishOptions } from 'mqtt'
import {
  EMBEDDED_CONNECTION_ID,
  type Connection,
  type ConnectionInput,
  type ConnectionPatch,
  type ConnectionState,
} from '../../../shared/contract/connections'
import { ApiError } from '../../../shared/errors'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { ConnectionStore, newClientId, type StoredConnection } from './connection-store'
import type { SecretCodec } from '../base/secret-box'
import { MqttConnection, type Backoff } from './mqtt-connection'
import { testConnection } from './test-connection'

export interface ConnectionManagerOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  /** Every message any connection receives. */
  onMessage: (message: MqttMessage) => void
  onChanged: (connection: Connection) => void
  backoff?: Backoff
  keepaliveS?: number
  /** How passwords are sealed at rest (the desktop's OS keychain); default: plain, file 0600. */
  secrets?: SecretCodec
}

interface Entry {
  config: StoredConnection
  builtIn: boolean
  /** Not saved (the embedded client, or a --mqtt-url connection). */
  transient: boolean
  connection?: MqttConnection
}

/**
 * The app's MQTT clients: one to the embedded broker (internal credential, QoS 1,
 * persistent session under a stable client id) and any number to external brokers,
 * each with its own state. Secrets are kept here and never returned.
 */
export class ConnectionManager {
  private readonly store: ConnectionStore
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly options: ConnectionManagerOptions) {
    this.store = new ConnectionStore(
      options.dataDir,
      options.logger.child('store'),
      options.secrets,
    )
  }

  get warnings(): readonly string[] {
    return this.store.warnings
  }

  /** Loads saved connections and starts the enabled ones. */
  async load(): Promise<void> {
    await this.store.load()
    for (const config of this.store.list()) this.open({ config, builtIn: false, transient: false })
  }

  /**
   * Connects the app's own client to the embedded broker at `url`, for publishing only
   * (commands, alert states, Home Assistant configs): the app receives the embedded broker's
   * messages in-process (broker-tap), not through this client. A clean session, so a
   * persistent `#` session left by an older version is dropped rather than fed. Resolves once
   * connected (or after `waitMs`).
   */
  async attachEmbedded(
    url: string,
    credentials: { username: string; password: string },
    waitMs = 5000,
  ): Promise<void> {
    const entry = this.open({
      builtIn: true,
      transient: true,
      config: {
        id: EMBEDDED_CONNECTION_ID,
        name: 'Embedded broker',
        url,
        ...credentials,
        protocolVersion: 4,
        clientId: this.store.appClientId,
        clean: true,
        sessionExpiryS: 0,
        subscriptions: [],
        rejectUnauthorized: true,
        enabled: true,
      },
    })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      entry.connection?.ready,
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
    ])
    clearTimeout(timer)
  }

  /** Disconnects the app's client from the embedded broker (before the broker stops). */
  async detachEmbedded(): Promise<void> {
    const entry = this.entries.get(EMBEDDED_CONNECTION_ID)
    this.entries.delete(EMBEDDED_CONNECTION_ID)
    await entry?.connection?.close()
  }

  /** A connection given on the command line (`--mqtt-url`): used now, not saved. */
  addTransient(input: ConnectionInput, id = 'cli'): Connection {
    return this.view(
      this.open({ config: this.fromInput(id, input), builtIn: false, transient: true }),
    )
  }

  list(): Connection[] {
    return [...this.entries.values()].map((entry) => this.view(entry))
  }

  get(id: string): Connection {
    return this.view(this.entry(id))
  }

  async add(input: ConnectionInput): Promise<Connection> {
    const config = this.fromInput(`c-${randomBytes(4).toString('hex')}`, input)
    await this.store.put(config)
    return this.view(this.open({ config, builtIn: false, transient: false }))
  }

  async update(patch: ConnectionPatch): Promise<Connection> {
    const entry = this.editable(patch.id)
    const next: StoredConnection = { ...entry.config }
    for (const [key, value] of Object.entries(patch)) {
      if (key === 'id' || value === undefined) continue
      // null removes an optional field (a secret, the username, a certificate).
      ;(next as Record<string, unknown>)[key] = value === null ? undefined : value
    }
    await entry.connection?.close()
    if (!entry.transient) await this.store.put(next)
    return this.view(this.open({ ...entry, config: next, connection: undefined }))
  }

  async remove(id: string): Promise<void> {
    const entry = this.editable(id)
    await entry.connection?.close()
    this.entries.delete(id)
    if (!entry.transient) await this.store.remove(id)
  }

  async test(
    input: ConnectionInput,
  ): Promise<{ ok: boolean; error: string | null; latencyMs: number | null }> {
    return testConnection(
      this.fromInput('test', { ...input, clientId: input.clientId ?? newClientId(), clean: true }),
    )
  }

  /** Publishes through a connection (default: the embedded broker's client). */
  async publish(
    id: string,
    topic: string,
    payload: Buffer,
    options: IClientPublishOptions,
  ): Promise<void> {
    const entry = this.entry(id)
    if (!entry.connection)
      throw new ApiError('UNAVAILABLE', `Connection "${entry.config.name}" is disabled.`)
    try {
      await entry.connection.publish(topic, payload, options)
    } catch (error) {
      throw new ApiError(
        'UNAVAILABLE',
        `Could not publish via "${entry.config.name}": ${(error as Error).message}`,
      )
    }
  }

  /** Ids of connections that are connected right now, the embedded one first. */
  connectedIds(): string[] {
    return [...this.entries.values()]
      .filter((e) => e.connection?.state.status === 'connected')
      .map((e) => e.config.id)
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.connection?.close()))
    this.entries.clear()
  }

  private open(entry: Entry): Entry {
    this.entries.set(entry.config.id, entry)
    if (entry.config.enabled) {
      const connection = new MqttConnection({
        id: entry.config.id,
        config: entry.config,
        clock: this.options.clock,
        logger: this.options.logger.child(entry.config.id),
        onMessage: this.options.onMessage,
        onState: () => {
          if (this.entries.get(entry.config.id) === entry) this.options.onChanged(this.view(entry))
        },
        backoff: this.options.backoff,
        keepaliveS: this.options.keepaliveS,
      })
      entry.connection = connection
      connection.start()
    }
    return entry
  }

  private fromInput(id: string, input: ConnectionInput): StoredConnection {
    return {
      id,
      name: input.name,
      url: input.url,
      username: input.username || undefined,
      password: input.password || undefined,
      protocolVersion: input.protocolVersion,
      clientId: input.clientId ?? newClientId(),
      clean: input.clean,
      sessionExpiryS: input.sessionExpiryS,
      subscriptions: input.subscriptions,
      ca: input.ca || undefined,
      cert: input.cert || undefined,
      key: input.key || undefined,
      rejectUnauthorized: input.rejectUnauthorized,
      enabled: input.enabled,
    }
  }

  private entry(id: string): Entry {
    const entry = this.entries.get(id)
    if (!entry) throw new ApiError('NOT_FOUND', `No MQTT connection "${id}".`)
    return entry
  }

  private editable(id: string): Entry {
    const entry = this.entry(id)
    if (entry.builtIn)
      throw new ApiError('BAD_INPUT', 'The embedded broker connection is managed by the app.')
    return entry
  }

  private view({ config, builtIn, connection }: Entry): Connection {
    const state: ConnectionState = connection?.state ?? {
      status: 'disabled',
      lastError: null,
      lastErrorAt: null,
      connectedAt: null,
      nextAttemptAt: null,
      attempts: 0,
    }
    return {
      id: config.id,
      name: config.name,
      url: config.url,
      username: config.username ?? null,
      hasPassword: Boolean(config.password),
      protocolVersion: config.protocolVersion,
      clientId: config.clientId,
      clean: config.clean,
      sessionExpiryS: config.sessionExpiryS,
      subscriptions: config.subscriptions,
      hasCa: Boolean(config.ca),
      hasClientCert: Boolean(config.cert && config.key),
      rejectUnauthorized: config.rejectUnauthorized,
      enabled: config.enabled,
      builtIn,
      state,
    }
  }
}
