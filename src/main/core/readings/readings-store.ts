import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync, type StatementSync } from 'node:sqlite'
import type { Bucket, ReadingPoint } from '../../../shared/contract/readings'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { openReadingsDb } from './readings-schema'

/** One reading to store; `seq` (when the device sends one) makes QoS 1 redeliveries droppable. */
export interface StoredReading extends ReadingPoint {
  seq?: number
}

export interface ReadingsStoreOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  /** Read at every prune, so a settings change applies without a restart. */
  retentionDays: () => number
  /** Rows buffered before a flush is forced (default 1000). */
  batchSize?: number
  /** Longest a row waits in the buffer (default 250 ms). */
  flushMs?: number
  /** How often old readings are pruned (default hourly; also once at open). */
  pruneEveryMs?: number
}

const DAY_MS = 86_400_000

/**
 * Readings in `<dataDir>/readings.sqlite` (node:sqlite, WAL, synchronous=NORMAL).
 * Writes are buffered and flushed in one transaction every `flushMs` or `batchSize` rows,
 * so a burst of messages costs a few transactions, not one fsync each. Reads flush first,
 * so a query always sees everything accepted before it.
 */
export class ReadingsStore {
  readonly file: string
  /** Start-up problems (e.g. a corrupt database that was set aside). */
  readonly warnings: string[] = []
  private readonly db: DatabaseSync
  private readonly insert: StatementSync
  private readonly upsertLatest: StatementSync
  private readonly bucketQuery: StatementSync
  private buffer: StoredReading[] = []
  private flushTimer: Timer | null = null
  private readonly pruneTimer: Timer
  private closed = false
  private counts = { inserted: 0, duplicates: 0 }

  constructor(private readonly options: ReadingsStoreOptions) {
    this.file = join(options.dataDir, 'readings.sqlite')
    this.db = this.open()
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO readings (device, metric, ts, value, seq) VALUES (?, ?, ?, ?, ?)',
    )
    this.upsertLatest = this.db.prepare(
      `INSERT INTO latest (device, metric, ts, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (device, metric) DO UPDATE SET ts = excluded.ts, value = excluded.value
       WHERE excluded.ts >= latest.ts`,
    )
    // Integer division of integer ts by an integer width (params bound as BigInt) gives the
    // bucket index; the aggregation happens in SQLite, over the (device, metric, ts) index.
    this.bucketQuery = this.db.prepare(
      `SELECT (ts - $from) / $width AS b, MIN(value) AS min, AVG(value) AS avg, MAX(value) AS max,
              COUNT(*) AS count
       FROM readings WHERE device = $device AND metric = $metric AND ts >= $from AND ts < $to
       GROUP BY b ORDER BY b`,
    )
    this.prune()
    this.pruneTimer = options.clock.setInterval(
      () => this.prune(),
      options.pruneEveryMs ?? 3_600_000,
    )
    unref(this.pruneTimer)
  }

  /** Rows written and redeliveries dropped since open. */
  get stats(): { inserted: number; duplicates: number; buffered: number } {
    return { ...this.counts, buffered: this.buffer.length }
  }

  /** Queues readings; they are written within `flushMs`, or at once past `batchSize`. */
  add(rows: readonly StoredReading[]): void {
    if (this.closed || rows.length === 0) return
    for (const row of rows) this.buffer.push(row)
    if (this.buffer.length >= (this.options.batchSize ?? 1000)) this.flush()
    else if (this.flushTimer === null) {
      this.flushTimer = this.options.clock.setTimeout(() => {
        this.flushTimer = null
        this.flush()
      }, this.options.flushMs ?? 250)
      unref(this.flushTimer)
    }
  }

  /** Writes the buffer in one transaction. A failed batch is logged and dropped, never retried forever. */
  flush(): void {
    if (this.flushTimer !== null) {
      this.options.clock.clearTimeout(this.flushTimer)
      this.flushTimer = null
    }
    if (this.buffer.length === 0 || this.closed) return
    const rows = this.buffer
    this.buffer = []
    try {
      this.db.exec('BEGIN')
      for (const r of rows) {
        const ts = Math.round(r.ts)
        const result = this.insert.run(r.deviceId, r.metric, ts, r.value, r.seq ?? null)
        if (Number(result.changes) > 0) {
          this.counts.inserted++
          this.upsertLatest.run(r.deviceId, r.metric, ts, r.value)
        } else this.counts.duplicates++
      }
      this.db.exec('COMMIT')
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK')
      this.options.logger.error('could not store readings', { error, rows: rows.length })
    }
  }

  /**
   * Splits [from, to) into `points` buckets of equal width (at least 1 ms) and returns
   * min/avg/max/count of each non-empty bucket, per device × metric, computed in SQL.
   */
  query(q: { deviceIds: string[]; metrics: string[]; from: number; to: number; points: number }): {
    bucketMs: number
    series: { deviceId: string; metric: string; buckets: Bucket[] }[]
  } {
    this.flush()
    const from = Math.floor(q.from)
    const to = Math.ceil(q.to)
    const width = Math.max(1, Math.ceil((to - from) / Math.max(1, q.points)))
    const series = []
    for (const deviceId of q.deviceIds) {
      for (const metric of q.metrics) {
        const rows = this.bucketQuery.all({
          from: BigInt(from),
          to: BigInt(to),
          width: BigInt(width),
          device: deviceId,
          metric,
        }) as unknown as { b: number; min: number; avg: number; max: number; count: number }[]
        const buckets = rows.map((r) => ({
          t: from + Number(r.b) * width,
          min: r.min,
          avg: r.avg,
          max: r.max,
          count: Number(r.count),
        }))
        series.push({ deviceId, metric, buckets })
      }
    }
    return { bucketMs: width, series }
  }

  /** The newest stored value per device and metric (one device, or all). */
  latest(deviceId?: string): ReadingPoint[] {
    this.flush()
    const sql = 'SELECT device AS deviceId, metric, ts, value FROM latest'
    const rows =
      deviceId === undefined
        ? this.db.prepare(`${sql} ORDER BY device, metric`).all()
        : this.db.prepare(`${sql} WHERE device = ? ORDER BY metric`).all(deviceId)
    return rows as unknown as ReadingPoint[]
  }

  /**
   * Streams readings in [from, to) without loading them all (for export). `order: 'series'`
   * walks the index (device, metric, ts); 'time' sorts everything by ts (SQLite may use a temp b-tree).
   */
  *iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
    order: 'series' | 'time' = 'series',
  ): Generator<ReadingPoint> {
    this.flush()
    const filter =
      deviceIds === undefined
        ? ''
        : `AND device IN (${deviceIds.map(() => '?').join(', ') || 'NULL'})`
    const orderBy = order === 'time' ? 'ts, device, metric' : 'device, metric, ts'
    const statement = this.db.prepare(
      `SELECT device AS deviceId, metric, ts, value FROM readings
       WHERE ts >= ? AND ts < ? ${filter} ORDER BY ${orderBy}`,
    )
    const params = [Math.floor(range.from), Math.ceil(range.to), ...(deviceIds ?? [])]
    for (const row of statement.iterate(...params)) yield row as unknown as ReadingPoint
  }

  /** Number of stored rows (optionally of one device); for tests and diagnostics. */
  count(deviceId?: string): number {
    this.flush()
    const row =
      deviceId === undefined
        ? this.db.prepare('SELECT COUNT(*) AS n FROM readings').get()
        : this.db.prepare('SELECT COUNT(*) AS n FROM readings WHERE device = ?').get(deviceId)
    return Number((row as { n: number } | undefined)?.n ?? 0)
  }

  /** Deletes every reading of a device (devices.forget). */
  deleteDevice(deviceId: string): void {
    this.flush()
    this.db.prepare('DELETE FROM readings WHERE device = ?').run(deviceId)
    this.db.prepare('DELETE FROM latest WHERE device = ?').run(deviceId)
  }

  /**
   * Deletes readings older than the retention period, one series at a time so every DELETE
   * uses the (device, metric, ts) index instead of scanning the table. Returns rows deleted.
   */
  prune(): number {
    if (this.closed) return 0
    this.flush()
    const cutoff = this.options.clock.now() - this.options.retentionDays() * DAY_MS
    const series = this.db.prepare('SELECT device, metric FROM latest').all() as {
      device: string
      metric: string
    }[]
    const del = this.db.prepare('DELETE FROM readings WHERE device = ? AND metric = ? AND ts < ?')
    let deleted = 0
    for (const s of series) deleted += Number(del.run(s.device, s.metric, cutoff).changes)
    this.db.prepare('DELETE FROM latest WHERE ts < ?').run(cutoff)
    if (deleted > 0) this.options.logger.info('pruned old readings', { deleted, cutoff })
    return deleted
  }

  /** Flushes the buffer and closes the database; safe to call twice. */
  close(): void {
    if (this.closed) return
    this.flush()
    this.options.clock.clearInterval(this.pruneTimer)
    this.closed = true
    this.db.close()
  }

  /** Opens (or creates) the database; a file SQLite cannot read is set aside and replaced. */
  private open(): DatabaseSync {
    try {
      return openReadingsDb(this.file)
    } catch (error) {
      if (!existsSync(this.file)) throw error
      const aside = `${this.file}.corrupt-${this.options.clock.now()}`
      renameSync(this.file, aside)
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(this.file + suffix)) renameSync(this.file + suffix, aside + suffix)
      }
      const message = `${this.file} could not be opened (${error instanceof Error ? error.message : String(error)}); it was moved to ${aside} and a new database was started.`
      this.options.logger.warn(message)
      this.warnings.push(message)
      return openReadingsDb(this.file)
    }
  }
}

function unref(timer: Timer): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref?.()
}
