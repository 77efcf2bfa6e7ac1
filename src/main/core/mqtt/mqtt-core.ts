import type { EventPayload } from '../../../shared/api'
import { DEFAULT_SESSION_EXPIRY_S } from '../../../shared/contract/connections'
import type { Settings } from '../../../shared/contract/settings'
import type { MqttMessage } from '../../../shared/mqtt-message'
import { appSubscriptions } from '../../../shared/topics'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { EmbeddedBroker, type EmbeddedBrokerConfig } from '../broker/embedded-broker'
import { APP_USERNAME, CredentialStore } from '../broker/credential-store'
import { RefusalLog } from '../broker/refusal-log'
import type { ClusterConfig } from '../cluster/cluster-config'
import { clusterConnections } from '../cluster/cluster-topics'
import { Simulator } from '../simulator/simulator'
import { CommandService } from './command-service'
import type { SecretCodec } from '../base/secret-box'
import { ConnectionManager } from './connection-manager'
import type { Backoff } from './mqtt-connection'
import { TopicExplorer } from './topic-explorer'

/** Command-line overrides (web mode flags); they win over settings and are not saved. */
export interface MqttOverrides {
  /** false = no embedded broker (`--no-broker`). */
  brokerEnabled?: boolean
  /** `--broker-port N` (0 = any free port). */
  brokerPort?: number
  /** `--anonymous-loopback`. */
  anonymousLoopback?: boolean
  /** `--mqtt-url URL`: an external broker used for this run. */
  externalUrl?: string
}

export interface MqttCoreOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  settings: () => Settings
  /** Every message the app receives, from the embedded broker or its connections (→ ingestion). */
  onMessage: (message: MqttMessage) => void
  /**
   * Called after onMessage for each message from the embedded broker with the broker's
   * `release`: calling it lets the broker read on from that publisher (backpressure).
   * Default: release at once.
   */
  admit?: (release: () => void) => void
  emit: <E extends 'broker.stats' | 'broker.refusals' | 'connection.changed' | 'topics.updated'>(
    event: E,
    payload: EventPayload<E>,
  ) => void
  overrides?: MqttOverrides
  /** Role in a deployment of several instances: which connections `--mqtt-url` gets. */
  cluster?: ClusterConfig
  /** How connection passwords are sealed at rest (desktop: the OS keychain). */
  secrets?: SecretCodec
  /** Test knobs. */
  backoff?: Backoff
  keepaliveS?: number
}

/**
 * The MQTT side of the core: embedded broker, device credentials, the app's connections,
 * the topic explorer, device commands and the simulator. create-core wires it in and
 * routes every received message to ingestion.
 */
export class MqttCore {
  readonly credentials: CredentialStore
  /** Refused publishes/subscriptions on the embedded broker, kept across its restarts. */
  readonly refusals: RefusalLog
  readonly connections: ConnectionManager
  readonly topics: TopicExplorer
  readonly commands: CommandService
  readonly simulator: Simulator
  broker?: EmbeddedBroker
  private brokerWarnings: string[] = []
  private appliedConfig = ''
  private reconfiguring: Promise<void> = Promise.resolve()

  constructor(private readonly options: MqttCoreOptions) {
    const { dataDir, clock, logger, emit } = options
    const prefix = (): string => options.settings().devices.prefix
    this.credentials = new CredentialStore(dataDir, clock, logger.child('credentials'), prefix)
    this.refusals = new RefusalLog(clock)
    this.refusals.onChange((summary) => emit('broker.refusals', summary))
    this.topics = new TopicExplorer({ clock, onUpdated: (batch) => emit('topics.updated', batch) })
    this.connections = new ConnectionManager({
      dataDir,
      clock,
      logger: logger.child('connections'),
      backoff: options.backoff,
      keepaliveS: options.keepaliveS,
      secrets: options.secrets,
      onChanged: (connection) => emit('connection.changed', connection),
      onMessage: (message) => this.receive(message),
    })
    this.commands = new CommandService({
      connections: this.connections,
      sourceOf: (topic) => this.topics.sourceOf(topic),
      prefix,
      clock,
      logger: logger.child('commands'),
    })
    this.simulator = new Simulator({
      prefix,
      clock,
      logger: logger.child('simulator'),
      keepaliveS: options.keepaliveS,
      target: () =>
        this.broker?.running
          ? {
              url: this.broker.localUrl,
              credentials: (id) => this.credentials.issueEphemeral(id),
              release: (username) => this.credentials.revokeEphemeral(username),
            }
          : null,
    })
  }

  /** Loads stores, starts the embedded broker (unless off) and connects the app's clients. */
  async start(): Promise<void> {
    await this.credentials.load()
    await this.connections.load()
    await this.startBroker()
    const url = this.options.overrides?.externalUrl
    const cluster = this.options.cluster
    if (url && cluster && cluster.role !== 'all') {
      for (const { id, input } of clusterConnections(url, cluster))
        this.connections.addTransient(input, id)
    } else if (url) {
      // Credentials, if any, ride in the URL (mqtt://user:pass@host:port).
      this.connections.addTransient({
        name: 'Command line',
        url,
        protocolVersion: 4,
        clean: false,
        sessionExpiryS: DEFAULT_SESSION_EXPIRY_S,
        subscriptions: appSubscriptions().map((topic) => ({ topic, qos: 1 as const })),
        rejectUnauthorized: true,
        enabled: true,
      })
    }
  }

  get warnings(): string[] {
    return [...this.brokerWarnings]
  }

  /**
   * Applies changed broker settings (port, bind address, WebSocket, TLS, loopback
   * anonymity, on/off) by restarting the embedded broker; the app's client reconnects
   * to it with the same persistent session. Command-line overrides keep winning.
   */
  async applySettings(): Promise<void> {
    const next = JSON.stringify(this.brokerConfig())
    if (next === this.appliedConfig) return
    this.reconfiguring = this.reconfiguring.then(async () => {
      await this.stopBroker()
      await this.startBroker()
    })
    await this.reconfiguring
  }

  private brokerConfig(): EmbeddedBrokerConfig | null {
    const overrides = this.options.overrides ?? {}
    const settings = this.options.settings().broker
    if (!(overrides.brokerEnabled ?? settings.embedded)) return null
    return {
      port: overrides.brokerPort ?? settings.port,
      bindHost: settings.bindHost,
      wsPort: settings.wsPort,
      tls: settings.tls,
      allowAnonymousLoopback: overrides.anonymousLoopback ?? settings.allowAnonymousLoopback,
      maxPacketBytes: settings.maxPacketBytes,
    }
  }

  private async startBroker(): Promise<void> {
    const { logger } = this.options
    const config = this.brokerConfig()
    this.appliedConfig = JSON.stringify(config)
    this.brokerWarnings = []
    if (!config) return
    const broker = new EmbeddedBroker({
      dataDir: this.options.dataDir,
      clock: this.options.clock,
      logger: logger.child('broker'),
      config,
      credentials: this.credentials,
      refusals: this.refusals,
      prefix: () => this.options.settings().devices.prefix,
      onPublish: (message, release) => {
        this.receive(message)
        if (this.options.admit) this.options.admit(release)
        else release()
      },
    })
    try {
      await broker.start()
      this.broker = broker
      broker.onStats((stats) => this.options.emit('broker.stats', stats))
      this.brokerWarnings.push(...broker.status().warnings)
      await this.connections.attachEmbedded(broker.localUrl, {
        username: APP_USERNAME,
        password: this.credentials.appPassword,
      })
    } catch (error) {
      const message = `The embedded MQTT broker could not start: ${(error as Error).message}`
      logger.error(message)
      this.brokerWarnings.push(message)
    }
  }

  private async stopBroker(): Promise<void> {
    await this.simulator.stop()
    await this.connections.detachEmbedded()
    await this.broker?.close()
    this.broker = undefined
  }

  /** For provisioning: a device's broker account (username, password shown only now). */
  async issueDeviceCredentials(
    deviceId: string,
    options: { legacyTopic?: string | null } = {},
  ): Promise<{ username: string; password: string }> {
    const { username, password } = await this.credentials.issue(deviceId, options)
    return { username, password }
  }

  async close(): Promise<void> {
    await this.reconfiguring
    await this.simulator.close()
    this.commands.close()
    await this.connections.close()
    this.topics.close()
    this.refusals.close()
    await this.broker?.close()
  }

  private receive(message: MqttMessage): void {
    this.topics.record(message)
    this.commands.handleMessage(message)
    this.options.onMessage(message)
  }
}
