import { join } from 'node:path'
import type { DatabaseSync } from 'node:sqlite'
import type { Bucket, ReadingPoint } from '../../../shared/contract/readings'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { LatestValues } from './latest-values'
import { iterateReadings } from './readings-cursor'
import { planQuery, ReadingsQuery } from './readings-query'
import { pruneReadings, type RetentionDays } from './readings-retention'
import { inTransaction, openOrSetAside } from './readings-schema'
import { ReadingsWriter, unref, type ReadingsStats } from './readings-writer'
import { ROLLUP_TIERS, type RollupTier } from './rollup-accumulator'
import { PAIR_BYTES } from './sample-codec'
import { SeriesDictionary } from './series-dictionary'

export type { ReadingsStats } from './readings-writer'

export interface ReadingsStoreOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  /** Raw readings are kept this long; read at every prune and query. */
  retentionDays: () => number
  /** Per-minute rollups are kept this long (default 365 days). */
  minuteRetentionDays?: () => number
  /** Per-hour rollups are kept this long (default 3650 days). */
  hourRetentionDays?: () => number
  /** Messages buffered before a flush is forced (default 2000). */
  batchSize?: number
  /** Longest a message waits in the buffer (default 250 ms). */
  flushMs?: number
  /** Longest rollup deltas and latest values wait in memory before they are merged (default 5 s). */
  checkpointMs?: number
  /** How often old data is pruned (default hourly; also once at open). */
  pruneEveryMs?: number
  /** Failed writes are retried this long, readings kept, before a batch is given up (default 60 s). */
  retryForMs?: number
}

const DAY_MS = 86_400_000

/**
 * Readings in `<dataDir>/readings.sqlite` (node:sqlite, WAL, synchronous=NORMAL), laid out
 * for time series: one raw row per message, per-minute and per-hour rollups maintained as data
 * arrives, the newest value per series in memory (write path: ReadingsWriter). Range queries
 * are answered from the coarsest tier that gives the points asked for; each tier has its own
 * retention. Reads flush first, so they always see everything accepted before them.
 */
export class ReadingsStore {
  readonly file: string
  /** Start-up problems (e.g. a corrupt database that was set aside). */
  readonly warnings: string[] = []
  private readonly options: ReadingsStoreOptions
  private readonly db: DatabaseSync
  private readonly dictionary: SeriesDictionary
  private readonly latestValues: LatestValues
  private readonly writer: ReadingsWriter
  private readonly queries: ReadingsQuery
  private readonly pruneTimer: Timer
  private closed = false

  constructor(options: ReadingsStoreOptions) {
    this.options = options
    this.file = join(options.dataDir, 'readings.sqlite')
    const { db, warning } = openOrSetAside(this.file, options.clock.now())
    if (warning !== undefined) {
      options.logger.warn(warning)
      this.warnings.push(warning)
    }
    this.db = db
    this.dictionary = new SeriesDictionary(db)
    this.latestValues = new LatestValues(db)
    this.writer = new ReadingsWriter(db, this.dictionary, this.latestValues, {
      clock: options.clock,
      logger: options.logger,
      batchSize: options.batchSize ?? 2000,
      flushMs: options.flushMs ?? 250,
      checkpointMs: options.checkpointMs ?? 5000,
      retryForMs: options.retryForMs ?? 60_000,
    })
    this.queries = new ReadingsQuery(db, this.dictionary)
    this.prune()
    this.pruneTimer = options.clock.setInterval(
      () => this.prune(),
      options.pruneEveryMs ?? 3_600_000,
    )
    unref(this.pruneTimer)
  }

  /** Readings written, dropped as redeliveries, waiting, and lost since open. */
  get stats(): ReadingsStats {
    return this.writer.stats
  }

  /** Messages accepted and not yet committed: the ingestor's backpressure signal. */
  get pending(): number {
    return this.writer.pending
  }

  /**
   * Queues one message's readings; a QoS 1 redelivery (same device, ts and seq) is stored
   * once. Written within `flushMs`, or at once when `batchSize` messages wait. Non-finite
   * values are skipped (SQLite cannot store them). Never throws: failures count in `stats.failed`.
   */
  add(...message: Parameters<ReadingsWriter['add']>): void {
    this.writer.add(...message)
  }

  /** Writes the buffer in one transaction (merging rollups too when a checkpoint is due). */
  flush(): void {
    this.writer.write(false)
  }

  /**
   * Splits [from, to) into at most `points` buckets and returns min/avg/max/count of each
   * non-empty bucket, per device × metric (device-major, request order), from the coarsest
   * tier that still gives the points asked for (see planQuery): with a rollup tier, `from` is
   * aligned down to the tier and the width is a multiple of it. `bucketMs` and each bucket's
   * `t` say what was actually done.
   */
  query(q: { deviceIds: string[]; metrics: string[]; from: number; to: number; points: number }): {
    bucketMs: number
    series: { deviceId: string; metric: string; buckets: Bucket[] }[]
  } {
    this.flush()
    const plan = planQuery(q, (tier) => this.keptSince(tier))
    // Rollup tables answer; the deltas still in memory have to be in them first.
    if (plan.tier !== null && this.writer.unmerged) this.writer.write(true)
    return { bucketMs: plan.width, series: this.queries.run(plan, q.deviceIds, q.metrics) }
  }

  /** The newest stored value per device and metric (one device, or all), from memory. */
  latest(deviceId?: string): ReadingPoint[] {
    this.flush()
    const { dictionary } = this
    const devices =
      deviceId === undefined ? dictionary.devicesByName() : [dictionary.findDevice(deviceId)]
    const points: ReadingPoint[] = []
    for (const device of devices) {
      if (device === undefined) continue
      for (const metric of dictionary.metricsOfDevice(device)) {
        const newest = this.latestValues.get(dictionary.findSeries(device, metric)!)
        if (newest === undefined) continue
        const name = dictionary.metricName(metric)
        points.push({ deviceId: dictionary.deviceName(device), metric: name, ...newest })
      }
    }
    return points
  }

  /**
   * Streams raw readings in [from, to) without loading them all (export). `order: 'series'`
   * gives device, metric, ts; 'time' gives ts, device, metric (names in code-unit order).
   */
  *iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
    order: 'series' | 'time' = 'series',
  ): Generator<ReadingPoint> {
    this.flush()
    yield* iterateReadings(this.db, this.dictionary, range, deviceIds, order)
  }

  /** Number of stored raw readings (optionally of one device); for tests and diagnostics. */
  count(deviceId?: string): number {
    this.flush()
    const sql = `SELECT coalesce(sum(length(data)), 0) / ${PAIR_BYTES} AS n FROM samples`
    if (deviceId === undefined) return Number(this.db.prepare(sql).get()?.n ?? 0)
    const device = this.dictionary.findDevice(deviceId)
    if (device === undefined) return 0
    return Number(this.db.prepare(`${sql} WHERE device = ?`).get(device)?.n ?? 0)
  }

  /** Deletes every reading, rollup and latest value of a device (devices.forget). */
  deleteDevice(deviceId: string): void {
    if (this.closed) return
    this.writer.write(true) // nothing of the device may stay in memory to be merged later
    const device = this.dictionary.findDevice(deviceId)
    if (device === undefined) return
    const series = this.dictionary.seriesOfDevice(device)
    inTransaction(this.db, () => {
      this.db.prepare('DELETE FROM samples WHERE device = ?').run(device)
      for (const tier of ROLLUP_TIERS) {
        const del = this.db.prepare(`DELETE FROM ${tier.table} WHERE series = ?`)
        for (const id of series) del.run(id)
      }
      this.latestValues.drop(series)
    })
  }

  /**
   * Deletes raw rows and rollups past their tier's retention (settings read now), each
   * DELETE a range on an index. Returns the raw readings deleted.
   */
  prune(): number {
    if (this.closed) return 0
    this.writer.write(true) // merge first, so no older delta lands after its bucket is pruned
    const days: RetentionDays = {
      raw: this.retentionDays(null),
      minute: this.retentionDays(ROLLUP_TIERS[0]!),
      hour: this.retentionDays(ROLLUP_TIERS[1]!),
    }
    let deleted = 0
    try {
      inTransaction(this.db, () => {
        deleted = pruneReadings(this.db, this.dictionary, this.options.clock.now(), days)
        this.latestValues.dropOlderThan(this.keptSince(null))
      })
    } catch (error) {
      this.options.logger.error('could not prune old readings', { error })
      this.latestValues.reload()
      return 0
    }
    if (deleted > 0) this.options.logger.info('pruned old readings', { deleted, days })
    return deleted
  }

  /** Writes the buffer, merges rollups and latest values, and closes; safe to call twice. */
  close(): void {
    if (this.closed) return
    this.writer.close()
    this.options.clock.clearInterval(this.pruneTimer)
    this.closed = true
    this.db.close()
  }

  /** Days a tier (null = raw) keeps data under the current settings. */
  private retentionDays(tier: RollupTier | null): number {
    const o = this.options
    if (tier === null) return o.retentionDays()
    if (tier.name === 'minute') return o.minuteRetentionDays?.() ?? 365
    return o.hourRetentionDays?.() ?? 3650
  }

  /** Oldest time a tier (null = raw) still holds. */
  private keptSince(tier: RollupTier | null): number {
    return this.options.clock.now() - this.retentionDays(tier) * DAY_MS
  }
}
