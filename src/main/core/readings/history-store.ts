import type { Bucket, ReadingPoint } from '../../../shared/contract/readings'
import type { ReadingsStats } from './readings-writer'

/** A range query: [from, to) split into at most `points` buckets, per device × metric. */
export interface HistoryQuery {
  deviceIds: readonly string[]
  metrics: readonly string[]
  from: number
  to: number
  points: number
}

/** What a query answers: the bucket width used and one series per device × metric. */
export interface HistoryResult {
  bucketMs: number
  series: { deviceId: string; metric: string; buckets: Bucket[] }[]
}

/**
 * Where readings history lives: the local SQLite file (default) or InfluxDB 1.x/2.x. Both
 * answer `query` on the same bucket grid (planQuery) with the same min/avg/max/count per
 * bucket, so the chart, export and API cannot tell them apart.
 *
 * Writes are synchronous enqueues (the ingestor must never wait); reads are async because
 * an external store answers over HTTP.
 */
export interface HistoryStore {
  readonly kind: 'sqlite' | 'influx'
  /** Start-up problems worth showing (e.g. a corrupt database set aside). */
  readonly warnings: readonly string[]
  /** Messages accepted and not yet durable: the ingestor's backpressure signal. */
  readonly pending: number
  readonly stats: ReadingsStats
  /**
   * Queues one message's readings. Idempotent on device + timestamp (+ seq in SQLite): a
   * redelivered or twice-ingested message is stored once. Never throws.
   */
  add(
    deviceId: string,
    ts: number,
    seq: number | undefined,
    readings: readonly { metric: string; value: number }[],
  ): void
  /** Makes everything accepted so far visible to reads (as far as the store can). */
  flush(): Promise<void>
  /** Min/avg/max/count per bucket; empty buckets left out. See ReadingsStore.query. */
  query(q: HistoryQuery): Promise<HistoryResult>
  /** The newest stored value per device and metric (one device, or all). */
  latest(deviceId?: string): Promise<ReadingPoint[]>
  /** Raw readings in [from, to), ordered by time, then device, then metric (export). */
  iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
  ): AsyncIterable<ReadingPoint>
  /** Deletes every reading of a device (devices.forget). */
  deleteDevice(deviceId: string): Promise<void>
  /** Keeps what is not yet written (on disk for InfluxDB) and releases resources. */
  close(): Promise<void>
}
