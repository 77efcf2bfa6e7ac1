import { join } from 'node:path'
import { Aedes, type Client } from 'aedes'
import type { BrokerStats, BrokerStatus } from '../../../shared/contract/broker'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { BrokerAuth, remoteAddress } from './broker-auth'
import {
  brokerLimits,
  DEFAULT_MAX_PACKET_BYTES,
  limitWarning,
  MAX_TOPIC_LEVELS,
} from './broker-limits'
import { ensureBrokerTls, type BrokerTlsFiles } from './broker-certs'
import {
  openTcpListener,
  openTlsListener,
  openWsListener,
  type OpenListener,
} from './broker-listeners'
import { installFifoQueues, replayRetained, tapPublishes, type PublishListener } from './broker-tap'
import type { CredentialStore } from './credential-store'
import { lanAddresses } from './lan-addresses'
import { MAX_PACKET_BEFORE_AUTH, PacketSizeGate } from './packet-size-gate'
import { RefusalLog } from './refusal-log'
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

/**
 * The broker built into the app (aedes): TCP for devices, optional WebSocket and TLS,
 * sessions and retained messages kept in SQLite, live statistics. Who may connect and
 * what each client may do is BrokerAuth's (every client authenticated, anonymous only
 * from loopback when allowed, devices confined to their own topics).
 */
export class EmbeddedBroker {
  private aedes?: Aedes
  private persistence?: SqlitePersistence
  private listeners: OpenListener[] = []
  private readonly statsListeners = new Set<StatsListener>()
  private readonly warnings: string[] = []
  private tls?: BrokerTlsFiles
  private startedAt = 0
  private counts = { in: 0, out: 0 }
  private rates = { in: 0, out: 0 }
  private timer?: Timer
  readonly refusals: RefusalLog
  private readonly auth: BrokerAuth

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.refusals = options.refusals ?? new RefusalLog(options.clock)
    this.auth = new BrokerAuth({
      credentials: options.credentials,
      prefix: options.prefix,
      allowAnonymousLoopback: options.config.allowAnonymousLoopback,
      logger: options.logger,
      refusals: this.refusals,
    })
  }

  async start(): Promise<void> {
    const { config, dataDir, clock, logger } = this.options
    this.persistence = new SqlitePersistence(join(dataDir, 'broker-sessions.db'))
    const aedes = await Aedes.createBroker({
      persistence: this.persistence,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 60_000,
      maxTopicLevels: MAX_TOPIC_LEVELS,
      ...this.auth.hooks(() => this.counts.out++),
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

  /** The device account a connected client authenticated as, if any. */
  private loginOf(clientId: string): string | undefined {
    // aedes keeps connected clients by id; its typings do not declare the map.
    const clients = (this.aedes as unknown as { clients?: Record<string, Client> } | undefined)
      ?.clients
    const client = clients?.[clientId]
    const identity = client ? this.auth.identityOf(client) : undefined
    return identity?.kind === 'device' ? identity.deviceId : undefined
  }
}

function noop(): void {}
