import type { AlertServiceOptions } from '../alerts/alert-service'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import type { IngestTally } from '../ingest/ingest-tally'
import type { HistoryStore } from '../readings/history-store'
import { AlertHandover } from './alert-handover'
import type { ClusterConfig } from './cluster-config'
import { storedPrefix, storedTopic } from './cluster-topics'
import { LeaderElection } from './leader-election'
import { LossCounter } from './loss-counter'
import { StoredAcks } from './stored-acks'

export interface ClusterRuntime {
  readonly config: ClusterConfig
  /** For the alert service: the hand-over gate (ingest) or no evaluation at all (view). */
  readonly alerts: Pick<AlertServiceOptions, 'gate' | 'evaluate'>
  /** The leader election of an ingest instance. */
  readonly election: LeaderElection | null
  /** An ingest instance's acknowledgements and (as leader) loss count, for the ingestor. */
  readonly tally: IngestTally | undefined
  /** One line for the console: role, instance, group. */
  describe(): string
  /** What the role needs and does not have (a view without the shared history store). */
  warnings(historyKind: 'sqlite' | 'influx'): string[]
  close(): Promise<void>
}

export interface ClusterDeps {
  config: ClusterConfig
  /** The shared broker (`--mqtt-url`); parseClusterFlags makes sure ingest/view have one. */
  url: string | undefined
  /** settings.devices.prefix when the core starts (the cluster's topics live under it). */
  prefix: string
  clock: Clock
  logger: Logger
  /** Default: config.keepaliveS. */
  keepaliveS?: number
  /** The history store an ingest instance writes (acks go out once it is durable there). */
  store: Pick<HistoryStore, 'flush' | 'pending'>
}

/**
 * The role-dependent parts of one instance: nothing for `all`, no alert evaluation for
 * `view`, the leader election and the alert hand-over for `ingest`. Started before the
 * alert service, so a hand-over gate is in place before the first reading is evaluated.
 */
export function startCluster(d: ClusterDeps): ClusterRuntime {
  const { config } = d
  const warnings = (historyKind: 'sqlite' | 'influx'): string[] =>
    config.role !== 'all' && historyKind === 'sqlite'
      ? [
          config.role === 'view'
            ? 'This view instance reads history from its own SQLite file, which nothing writes: start it with --history influx --influx-url … (the ingest instances’ InfluxDB).'
            : 'This ingest instance stores its share of the readings in its own SQLite file: view instances cannot read it. Use --history influx --influx-url … on every instance.',
        ]
      : []
  const describe = (): string =>
    config.role === 'all'
      ? 'all'
      : `${config.role} (instance ${config.instanceId}, run ${config.runId}, group ${config.group})`
  if (config.role !== 'ingest' || !d.url) {
    return {
      config,
      alerts: config.role === 'view' ? { evaluate: false } : {},
      election: null,
      tally: undefined,
      describe,
      warnings,
      close: async () => undefined,
    }
  }
  let handover: AlertHandover | null = null
  let loss: LossCounter | null = null
  const ackTopic = storedPrefix(d.prefix, config.group)
  const election = new LeaderElection({
    url: d.url,
    prefix: d.prefix,
    runId: config.runId,
    clock: d.clock,
    logger: d.logger.child('leader'),
    keepaliveS: d.keepaliveS ?? config.keepaliveS,
    onClusterMessage: (topic, payload) =>
      topic.startsWith(ackTopic) ? loss?.onAck(payload) : handover?.onLedger(topic, payload),
  })
  handover = new AlertHandover({
    seat: election,
    prefix: () => d.prefix,
    logger: d.logger.child('handover'),
  })
  const acks = new StoredAcks({
    store: d.store,
    publish: (payload) =>
      election.publishOnWatch(storedTopic(d.prefix, config.group, config.instanceId), payload),
    clock: d.clock,
    logger: d.logger.child('acks'),
  })
  loss = new LossCounter({
    leading: () => election.isLeader,
    clock: d.clock,
    logger: d.logger.child('loss'),
    windowMs: config.lossWindowS * 1000,
    ackDropped: () => acks.dropped,
  })
  const counter = loss
  election.start()
  return {
    config,
    alerts: { gate: handover },
    election,
    tally: {
      stored: (message, deviceId) => acks.stored(message, deviceId),
      seen: (message, deviceId) => counter.seen(message, deviceId),
      stats: () => counter.snapshot(),
      get busy() {
        return counter.held > 0
      },
    },
    describe,
    warnings,
    close: async () => {
      acks.close()
      counter.close()
      await handover.settled()
      handover.close()
      await election.close()
    },
  }
}
