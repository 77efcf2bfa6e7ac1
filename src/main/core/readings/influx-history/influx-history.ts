import { join } from 'node:path'
import type { ReadingPoint } from '../../../../shared/contract/readings'
import type { Clock } from '../../base/clock'
import type { Logger } from '../../base/logger'
import type { FetchLike } from '../../influx/influx-client'
import { InfluxForwarder, type InfluxForwardConfig } from '../../influx/influx-forwarder'
import type { HistoryQuery, HistoryResult, HistoryStore } from '../history-store'
import type { ReadingsStats } from '../readings-writer'
import { BucketCollector, historyGrid } from './bucket-grid'
import type { HistoryReads } from './history-reads'
import { compare, guardRead, rawPoints, readsFor } from './influx-raw'

export interface InfluxHistoryOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  /** Where and how to write and read (secrets included; never logged). */
  target: InfluxForwardConfig
  fetch?: FetchLike
  /** Rows per export page (default 10,000). */
  pageRows?: number
  /** Forwarder retry knobs, for tests. */
  minBackoffMs?: number
  maxBackoffMs?: number
}

/**
 * Readings history in InfluxDB 1.x or 2.x, for installations that outgrow one SQLite file.
 *
 * Writes: one line-protocol point per message (`<measurement>,device=<id> <metric>=<v>,…
 * <ts ms>`) through the InfluxForwarder's on-disk queue in `<dataDir>/history/`, so an
 * outage or a restart loses nothing: a batch leaves the disk only once InfluxDB took it.
 * Idempotent: InfluxDB identifies a point by measurement, tag set and timestamp, and a
 * second write of the same point replaces its field values (InfluxDB docs, "Duplicate
 * points"), so a message ingested twice (a QoS 1 redelivery, two ingest instances sharing a
 * subscription, a batch re-sent after a timeout) is stored once.
 *
 * Reads: InfluxQL `GROUP BY time()` (1.x) or Flux `aggregateWindow()` (2.x) on the same
 * bucket grid as the SQLite store (bucket-grid.ts), min/max/sum/count per bucket, avg =
 * sum / count. Retention is InfluxDB's own (its retention policy or bucket setting).
 */
export class InfluxHistory implements HistoryStore {
  readonly kind = 'influx' as const
  readonly warnings: string[] = []
  private readonly writer: InfluxForwarder
  private readonly reads: HistoryReads
  private readonly newest = new Map<string, ReadingPoint>()
  private accepted = 0

  constructor(private readonly options: InfluxHistoryOptions) {
    const target = options.target
    this.writer = new InfluxForwarder({
      dataDir: join(options.dataDir, 'history'),
      clock: options.clock,
      logger: options.logger,
      config: () => target,
      fetch: options.fetch,
      minBackoffMs: options.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
    })
    this.reads = readsFor(target, options.fetch)
  }

  /** Lines still in memory (not yet in the on-disk queue): what a crash could lose. */
  get pending(): number {
    return this.writer.buffered
  }

  /**
   * `inserted`: readings accepted into the queue; `buffered`: lines not yet on disk;
   * `failed`: lines InfluxDB refused or the full queue dropped.
   */
  get stats(): ReadingsStats {
    const status = this.writer.status()
    return {
      inserted: this.accepted,
      duplicates: 0,
      buffered: this.writer.buffered,
      failed: status.dropped + status.rejected,
    }
  }

  /** Lines waiting on disk for InfluxDB, and the last write error (for diagnostics). */
  get queue(): { pending: number; lastError: string | null } {
    const status = this.writer.status()
    return { pending: status.pending, lastError: status.lastError }
  }

  add(
    deviceId: string,
    ts: number,
    _seq: number | undefined,
    readings: readonly { metric: string; value: number }[],
  ): void {
    const points: ReadingPoint[] = []
    for (const { metric, value } of readings) {
      if (!Number.isFinite(value)) continue
      const point = { deviceId, metric, ts, value }
      points.push(point)
      const key = `${deviceId}\u0000${metric}`
      const known = this.newest.get(key)
      if (known === undefined || known.ts <= ts) this.newest.set(key, point)
    }
    if (points.length === 0) return
    this.accepted += points.length
    try {
      this.writer.addReadings(points)
    } catch (error) {
      this.options.logger.error('could not queue readings for InfluxDB', { error })
    }
  }

  /** Spills the buffer to the disk queue and waits for one send attempt to finish. */
  async flush(): Promise<void> {
    this.writer.flush()
    await this.writer.idle()
  }

  async query(q: HistoryQuery): Promise<HistoryResult> {
    await this.flush()
    const grid = historyGrid(q)
    // Nothing to ask the server: the same (empty) answer it would give, without a round trip.
    if (q.deviceIds.length === 0 || q.metrics.length === 0)
      return new BucketCollector(grid).result(q)
    return this.guard(() => this.reads.aggregate(q, grid))
  }

  /** InfluxDB's newest values, with what this instance wrote since (not yet sent) on top. */
  async latest(deviceId?: string): Promise<ReadingPoint[]> {
    await this.flush()
    const merged = new Map<string, ReadingPoint>()
    for (const p of await this.guard(() => this.reads.latest(deviceId)))
      merged.set(`${p.deviceId}\u0000${p.metric}`, p)
    for (const [key, p] of this.newest) {
      if (deviceId !== undefined && p.deviceId !== deviceId) continue
      const stored = merged.get(key)
      if (stored === undefined || stored.ts <= p.ts) merged.set(key, p)
    }
    return [...merged.values()].sort(
      (a, b) => compare(a.deviceId, b.deviceId) || compare(a.metric, b.metric),
    )
  }

  /** Raw points in time order (see rawPoints), after what this instance wrote so far. */
  async *iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
  ): AsyncGenerator<ReadingPoint> {
    await this.flush()
    yield* rawPoints(this.reads, range, deviceIds, this.options.pageRows ?? 10_000)
  }

  async deleteDevice(deviceId: string): Promise<void> {
    await this.flush()
    for (const key of [...this.newest.keys()])
      if (key.startsWith(`${deviceId}\u0000`)) this.newest.delete(key)
    await this.guard(() => this.reads.deleteDevice(deviceId))
  }

  /** Unsent lines stay in the disk queue and go first at the next start. */
  async close(): Promise<void> {
    await this.writer.close()
  }

  private guard<T>(read: () => Promise<T>): Promise<T> {
    return guardRead(read)
  }
}
