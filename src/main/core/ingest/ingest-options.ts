import type { EventName, EventPayload } from '../../../shared/api'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { TopicMapping } from '../../../shared/parsers/ecosystems/manual-mapping'
import type { Logger } from '../base/logger'
import type { Clock } from '../base/clock'
import type { DeviceRegistry } from '../devices/device-registry'
import type { ReadingsStore } from '../readings/readings-store'
import type { IngestTally } from './ingest-tally'

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export interface IngestorOptions {
  registry: DeviceRegistry
  store: Pick<ReadingsStore, 'add' | 'pending' | 'stats'>
  clock: Clock
  logger: Logger
  /** Where coalesced UI events go (the core's EventBus.emit). */
  emit: Emit
  /** settings.devices.prefix, read per message so a change applies at once. */
  prefix: () => string
  /** Coalescing tick: at most one readings.batch (and one device.updated per device) per tick. Default 50 ms (≤ 20/s). */
  tickMs?: number
  /** Unparsed records kept for inspection (default 200). */
  maxUnparsed?: number
  /** Messages waiting for storage above which publishers are held back (default 20,000). */
  highWater?: number
  /** Shed counters kept elsewhere (e.g. the topic explorer's evictions), merged into stats. */
  extraShed?: () => Record<string, number>
  /**
   * Per message: store its readings, and/or observe it (registry, live values, alerts). Default
   * both; a cluster instance stores only its shared-subscription share (cluster-topics.ts).
   */
  route?: (message: MqttMessage) => IngestRoute
  /** Topics mapped by hand (TopicMappingStore.byTopic): read on every message, first. */
  mappings?: ReadonlyMap<string, TopicMapping>
  /** A cluster ingest instance's loss count (what it stored, what it saw to be stored). */
  tally?: IngestTally
}

/** What ingestion does with one message (see IngestorOptions.route). */
export interface IngestRoute {
  store: boolean
  observe: boolean
}

/** The default route: every message is stored and observed. */
export const STORE_AND_OBSERVE: IngestRoute = { store: true, observe: true }
