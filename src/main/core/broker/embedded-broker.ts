import { join } from 'node:path'
import type { Socket } from 'node:net'
import { Aedes, type AuthenticateError, type Client } from 'aedes'
import type { BrokerStats, BrokerStatus } from '../../../shared/contract/broker'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { isLoopbackAddress, mayPublish, maySubscribe } from './broker-acl'
import {
  brokerLimits,
  DEFAULT_MAX_PACKET_BYTES,
  limitWarning,
  MAX_TOPIC_LEVELS,
} from './broker-limits'
import { clientIdRefusal, emptyClientIdRefusal } from './client-id-policy'
import { ensureBrokerTls, type BrokerTlsFiles } from './broker-certs'
import {
  openTcpListener,
  openTlsListener,
  openWsListener,
  type OpenListener,
} from './broker-listeners'
import { installFifoQueues, replayRetained, tapPublishes, type PublishListener } from './broker-tap'
import type { CredentialStore, Identity } from './credential-store'
import { lanAddresses } from './lan-addresses'
import { MAX_PACKET_BEFORE_AUTH, PacketSizeGate } from './packet-size-gate'
import { RefusalLog, refusedLogin } from './refusal-log'
import { SqlitePersistence } from './persistence/sqlite-persistence'

export interface EmbeddedBrokerConfig {
  port: number
  bindHost: string
  wsPort: number | null
  tls: { enabled: boolean; port: number }
  allowAnonymousLoopback: boolean
  /** settings.broker.maxPacketBytes; its default when left out. */
  maxPacketBytes?: number
}

export interface EmbeddedBrokerOptions {
  dataDir: string
  config: EmbeddedBrokerConfig
  credentials: CredentialStore
  /** Topic prefix of our devices (settings.devices.prefix), read on every check. */
  prefix: () => string
  clock: Clock
  logger: Logger
  /** Shorter in tests; aedes' default is one minute. */
  heartbeatIntervalMs?: number
  /**
   * The app's in-process subscriber: gets the retained messages at start, then every
   * message published (see broker-tap), before any client can connect.
   */
  onPublish?: PublishListener
  /** Where refused publishes/subscriptions are counted; kept by the owner across restarts. */
  refusals?: RefusalLog
}

type StatsListener = (stats: BrokerStats) => void

/** MQTT 3.1.1 §3.2.2.3 CONNACK return codes. */
const BAD_CREDENTIALS = 4
const NOT_AUTHORIZED = 5

/**
 * The broker built into the app (aedes): TCP for devices, optional WebSocket and TLS,
 * every client authenticated (anonymous only from loopback, when allowed), devices
 * confined to their own topics, sessions and retained messages kept in SQLite.
 */
export class EmbeddedBroker {
  private aedes?: Aedes
  private persistence?: SqlitePersistence
  private listeners: OpenListener[] = []
  private readonly identities = new WeakMap<Client, Identity>()
  /** The client id as sent: aedes replaces an empty one with `aedes_<uuid>` before auth. */
  private readonly wireClientIds = new WeakMap<Client, string>()
  private readonly statsListeners = new Set<StatsListener>()
  private readonly warnings: string[] = []
  private tls?: BrokerTlsFiles
  private startedAt = 0
  private counts = { in: 0, out: 0 }
  private rates = { in: 0, out: 0 }
  private timer?: Timer
  readonly refusals: RefusalLog

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.refusals = options.refusals ?? new RefusalLog(options.clock)
  }

  async start(): Promise<void> {
    const { config, dataDir, clock, logger } = this.options
    this.persistence = new SqlitePersistence(join(dataDir, 'broker-sessions.db'))
    const aedes = await Aedes.createBroker({
      persistence: this.persistence,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 60_000,
      maxTopicLevels: MAX_TOPIC_LEVELS,
      preConnect: (client, packet, done) => {
        this.wireClientIds.set(client, packet.clientId)
        done(null, true)
      },
      authenticate: (client, username, password, done) =>
        void this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => done(this.publishRefusal(client, packet.topic)),
      authorizeSubscribe: (client, sub, done) => {
        const identity = this.identities.get(client)
        const allowed =
          identity !== undefined && maySubscribe(identity, sub.topic, this.options.prefix())
        if (!allowed) {
          logger.warn('subscription refused', { clientId: client.id, topic: sub.topic })
          this.refusals.record(refusedLogin(identity), client.id, 'subscribe', sub.topic)
        }
        // A null subscription is answered with SUBACK 0x80 (failure), §3.9.3.
        done(null, allowed ? sub : null)
      },
      // Also what a restored session delivers (queued QoS 1/2 messages): re-checked here, as
      // its subscriptions are by authorizeSubscribe, in case the ACL changed since (prefix).
      authorizeForward: (client, packet) => {
        const identity = this.identities.get(client)
        if (
          identity?.kind === 'device' &&
          !maySubscribe(identity, packet.topic, this.options.prefix())
        )
          return null
        this.counts.out++
        return packet
      },
    })
    this.aedes = aedes
    installFifoQueues(aedes, logger)
    const onPublish = this.options.onPublish
    if (onPublish) {
      const now = (): number => clock.now()
      const replayed = await replayRetained(
        this.persistence.createRetainedStreamCombi(['#']),
        (message) => onPublish(message, noop),
        now,
      )
      if (replayed > 0) logger.debug('retained messages replayed to the app', { replayed })
      tapPublishes(aedes, onPublish, now, (clientId) => this.loginOf(clientId))
    }
    aedes.on('publish', (_packet, client) => {
      if (client) this.counts.in++
    })
    aedes.on('clientError', (client, error) => {
      const warning = limitWarning(error)
      if (warning) logger.warn(warning, { clientId: client.id, address: remoteAddress(client) })
      else logger.debug('client error', { clientId: client.id, error })
    })
    const limits = { beforeAuth: MAX_PACKET_BEFORE_AUTH, afterAuth: this.maxPacketBytes }
    const handle = (
      stream: Parameters<Aedes['handle']>[0],
      req?: Parameters<Aedes['handle']>[1],
    ): void => {
      const gate = new PacketSizeGate(stream, limits, (size, limit) =>
        logger.warn('packet too large: connection closed', {
          size,
          limit,
          address: req?.socket.remoteAddress ?? gate.remoteAddress,
        }),
      )
      aedes.handle(gate, req)
    }
    try {
      this.listeners.push(await openTcpListener(handle, config.bindHost, config.port))
      if (config.wsPort !== null) {
        const ws = await openWsListener(handle, config.bindHost, config.wsPort, limits.afterAuth)
        this.listeners.push(ws)
      }
      if (config.tls.enabled) {
        const tls = this.ensureTls()
        this.listeners.push(await openTlsListener(handle, config.bindHost, config.tls.port, tls))
      }
    } catch (error) {
      await this.close()
      throw error
    }
    for (const listener of this.listeners) {
      if (listener.warning) {
        this.warnings.push(listener.warning)
        logger.warn(listener.warning)
      }
      logger.info('listening', { ...listener.info })
    }
    this.startedAt = clock.now()
    this.timer = clock.setInterval(() => this.tick(), 1000)
    ;(this.timer as { unref?: () => void }).unref?.()
  }

  private get maxPacketBytes(): number {
    return this.options.config.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES
  }

  /** Port of the plain TCP listener (after any fallback). */
  get tcpPort(): number {
    const tcp = this.listeners.find((l) => l.info.kind === 'tcp')
    if (!tcp) throw new Error('the embedded broker is not running')
    return tcp.info.port
  }

  /** Where the app's own client connects: loopback unless the broker is bound to one address. */
  get localUrl(): string {
    const host = this.options.config.bindHost
    const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host
    return `mqtt://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${this.tcpPort}`
  }

  get running(): boolean {
    return this.aedes !== undefined && !this.aedes.closed
  }

  stats(): BrokerStats {
    return {
      running: this.running,
      clientsConnected: this.aedes?.connectedClients ?? 0,
      msgInPerS: this.rates.in,
      msgOutPerS: this.rates.out,
      retainedCount: this.persistence?.retainedCount ?? 0,
      uptimeS: this.running ? Math.max(0, (this.options.clock.now() - this.startedAt) / 1000) : 0,
    }
  }

  status(): BrokerStatus {
    return {
      ...this.stats(),
      listeners: this.listeners.map((l) => l.info),
      lanAddresses: lanAddresses(),
      anonymousLoopback: this.options.config.allowAnonymousLoopback,
      limits: brokerLimits(this.maxPacketBytes),
      warnings: [...this.warnings],
    }
  }

  /** The CA that signs the TLS listener's certificate, created on first use. */
  ensureTls(): BrokerTlsFiles {
    this.tls ??= ensureBrokerTls(this.options.dataDir, lanAddresses(), this.options.logger)
    return this.tls
  }

  onStats(listener: StatsListener): () => void {
    this.statsListeners.add(listener)
    return () => this.statsListeners.delete(listener)
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) this.options.clock.clearInterval(this.timer)
    this.timer = undefined
    const aedes = this.aedes
    if (aedes && !aedes.closed) await new Promise<void>((resolve) => aedes.close(() => resolve()))
    await Promise.all(this.listeners.map((l) => l.close()))
    this.listeners = []
    const persistence = this.persistence
    this.persistence = undefined
    if (persistence) await persistence.destroy()
  }

  private tick(): void {
    this.rates = { in: this.counts.in, out: this.counts.out }
    this.counts = { in: 0, out: 0 }
    const stats = this.stats()
    for (const listener of this.statsListeners) listener(stats)
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): Promise<void> {
    const { config, credentials, logger } = this.options
    const address = remoteAddress(client)
    const wireClientId = this.wireClientIds.get(client) ?? client.id
    const emptyId = emptyClientIdRefusal(wireClientId, client.clean, client.version)
    if (emptyId) {
      logger.info('client id refused', { reason: emptyId.reason, username, address })
      return done(refusal(emptyId.returnCode, emptyId.reason), false)
    }
    const admit = (identity: Identity): void => {
      const taken = clientIdRefusal(identity, wireClientId, (id) => credentials.clientIdOwner(id))
      if (taken) {
        logger.warn('client id refused', {
          clientId: wireClientId,
          username,
          address,
          reason: taken.reason,
        })
        return done(refusal(taken.returnCode, taken.reason), false)
      }
      this.identities.set(client, identity)
      if (client.conn instanceof PacketSizeGate) client.conn.admit()
      done(null, true)
    }
    if (!username) {
      if (config.allowAnonymousLoopback && isLoopbackAddress(address))
        return admit({ kind: 'anonymous' })
      logger.info('anonymous client refused', { clientId: client.id, address })
      return done(
        refusal(NOT_AUTHORIZED, 'Not authorized: this broker needs a username and password'),
        false,
      )
    }
    const identity = await credentials
      .verify(username, password ?? Buffer.alloc(0))
      .catch(() => null)
    if (!identity) {
      logger.info('bad username or password', { clientId: client.id, username, address })
      return done(refusal(BAD_CREDENTIALS, 'Bad username or password'), false)
    }
    admit(identity)
  }

  /** The device account a connected client authenticated as, if any. */
  private loginOf(clientId: string): string | undefined {
    // aedes keeps connected clients by id; its typings do not declare the map.
    const clients = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)
      ?.clients
    const client = clients?.[clientId]
    const identity = client ? this.identities.get(client) : undefined
    return identity?.kind === 'device' ? identity.deviceId : undefined
  }

  /** null = allowed; an Error makes aedes drop the client (MQTT 3.1.1 has no PUBLISH refusal code). */
  private publishRefusal(client: Client | null, topic: string): Error | null {
    if (!client) return topic.startsWith('$SYS/') ? new Error('$SYS topics are reserved') : null
    const identity = this.identities.get(client)
    // aedes' own default: nobody publishes into the broker's $SYS tree (§4.7.2).
    const reserved = topic.startsWith('$SYS/')
    if (!reserved && identity && mayPublish(identity, topic, this.options.prefix())) return null
    this.options.logger.warn('publish refused', { clientId: client.id, topic })
    this.refusals.record(refusedLogin(identity), client.id, 'publish', topic)
    return new Error(`not authorized to publish to ${topic}`)
  }
}

function noop(): void {}

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError
}

function remoteAddress(client: Client): string | undefined {
  return client.req?.socket.remoteAddress ?? (client.conn as Socket).remoteAddress
}
