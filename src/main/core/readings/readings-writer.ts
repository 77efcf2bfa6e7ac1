import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import type { LatestValues } from './latest-values'
import { MessageQueue } from './message-queue'
import { inTransaction } from './readings-schema'
import { RollupAccumulator } from './rollup-accumulator'
import { SampleDecoder, SampleEncoder } from './sample-codec'
import type { SeriesDictionary } from './series-dictionary'

export interface ReadingsWriterOptions {
  clock: Clock
  logger: Logger
  batchSize: number
  flushMs: number
  checkpointMs: number
  /**
   * How long failed writes are retried, keeping their readings queued, before a batch is
   * given up (counted in `failed`). Meanwhile `pending` grows and the ingestor holds
   * publishers back, so a database that is busy or briefly unwritable loses nothing.
   */
  retryForMs: number
}

/** First retry after a failed write, doubling up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 5000

export interface ReadingsStats {
  /** Readings written since open. */
  inserted: number
  /** Readings of QoS 1 redeliveries (same device, ts and seq) dropped since open. */
  duplicates: number
  /** Readings waiting in the buffer. */
  buffered: number
  /** Readings lost to a failed write since open. */
  failed: number
}

const WATERMARK_SQL = `INSERT INTO meta (key, value) VALUES ('rollup_watermark', ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`

/**
 * The write path: messages queue in typed arrays, go to SQLite in one transaction per flush
 * (one INSERT per message), and their readings feed the rollup deltas and latest values in
 * memory; those are merged, with the watermark, in the same transaction as a raw batch at most
 * every `checkpointMs`. After a crash or a failed transaction, `replay` rebuilds the deltas
 * from the raw rows past the watermark, so rollups never disagree with raw data.
 */
export class ReadingsWriter {
  private readonly db: DatabaseSync
  private readonly dictionary: SeriesDictionary
  private readonly latest: LatestValues
  private readonly options: ReadingsWriterOptions
  private readonly queue = new MessageQueue()
  private readonly encoder = new SampleEncoder()
  private readonly rollups: RollupAccumulator
  private readonly insert: StatementSync
  private readonly setWatermark: StatementSync
  /** Highest samples.id written; becomes the watermark once its deltas are merged. */
  private lastRowid = 0
  private lastCheckpoint: number
  private flushTimer: Timer | null = null
  private checkpointTimer: Timer | null = null
  private closed = false
  private readonly counts = { inserted: 0, duplicates: 0, failed: 0 }
  /** Since when writes have been failing (null while they succeed). */
  private failingSince: number | null = null
  /** Set by close(): the last write gets no retry. */
  private closing = false
  private retryTimer: Timer | null = null
  private retryDelay = RETRY_FIRST_MS

  constructor(
    db: DatabaseSync,
    dictionary: SeriesDictionary,
    latest: LatestValues,
    options: ReadingsWriterOptions,
  ) {
    this.db = db
    this.dictionary = dictionary
    this.latest = latest
    this.options = options
    this.rollups = new RollupAccumulator(db)
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO samples (device, ts, seq, data) VALUES (?, ?, ?, ?)',
    )
    this.setWatermark = db.prepare(WATERMARK_SQL)
    this.lastCheckpoint = options.clock.now()
    this.replay()
    this.write(true)
  }

  get stats(): ReadingsStats {
    return { ...this.counts, buffered: this.queue.readings }
  }

  get pending(): number {
    return this.queue.messages
  }

  /** True while rollup deltas or latest values are only in memory. */
  get unmerged(): boolean {
    return this.rollups.size > 0 || this.latest.pending
  }

  /** See ReadingsStore.add. */
  add(
    deviceId: string,
    ts: number,
    seq: number | undefined,
    readings: readonly { metric: string; value: number }[],
  ): void {
    const time = Math.round(ts)
    if (this.closed || readings.length === 0 || !Number.isFinite(time)) return
    const { dictionary, queue } = this
    // Ids are given out in memory (written with the batch): nothing here touches the database.
    const device = dictionary.device(deviceId)
    queue.begin(device, time, seq !== undefined && Number.isFinite(seq) ? seq : undefined)
    for (let i = 0; i < readings.length; i++) {
      const reading = readings[i]!
      if (!Number.isFinite(reading.value)) continue
      const metric = dictionary.metric(reading.metric)
      queue.reading(metric, dictionary.series(device, metric), reading.value)
    }
    queue.end()
    // While a failed write waits for its retry, the queue just grows (bounded by the
    // ingestor's backpressure); hammering a busy database per message would not help.
    if (this.retryTimer !== null) return
    if (queue.messages >= this.options.batchSize) this.write(false)
    else if (this.flushTimer === null && queue.messages > 0) {
      this.flushTimer = this.options.clock.setTimeout(() => {
        this.flushTimer = null
        this.write(false)
      }, this.options.flushMs)
      unref(this.flushTimer)
    }
  }

  /**
   * One transaction: the queued messages and, when `checkpoint` or `checkpointMs` has passed,
   * the rollup deltas, latest values and watermark. A failure rolls everything back, counts
   * the batch as failed and rebuilds the in-memory state from disk.
   */
  write(checkpoint: boolean): void {
    const { queue, rollups, latest, encoder, options } = this
    if (this.flushTimer !== null) {
      options.clock.clearTimeout(this.flushTimer)
      this.flushTimer = null
    }
    if (this.retryTimer !== null) {
      options.clock.clearTimeout(this.retryTimer)
      this.retryTimer = null
    }
    if (this.closed) return
    const now = options.clock.now()
    const merge = checkpoint || now - this.lastCheckpoint >= options.checkpointMs
    if (queue.messages === 0 && !(merge && this.unmerged)) return
    let inserted = 0
    let duplicates = 0
    let lastRowid = this.lastRowid
    try {
      inTransaction(this.db, () => {
        this.dictionary.persist()
        for (let m = 0; m < queue.messages; m++) {
          const start = queue.start[m]!
          const count = queue.start[m + 1]! - start
          const ts = queue.ts[m]!
          const seq = queue.seq[m]!
          const data = encoder.encode(queue.metric, queue.value, start, count)
          const result = this.insert.run(queue.device[m]!, ts, Number.isNaN(seq) ? null : seq, data)
          if (Number(result.changes) === 0) {
            duplicates += count
            continue
          }
          inserted += count
          lastRowid = Number(result.lastInsertRowid)
          for (let i = start; i < start + count; i++) {
            rollups.add(queue.series[i]!, ts, queue.value[i]!)
            latest.observe(queue.series[i]!, ts, queue.value[i]!)
          }
        }
        if (merge) {
          rollups.merge()
          latest.write()
          this.setWatermark.run(lastRowid)
        }
      })
      this.dictionary.committed()
      this.counts.inserted += inserted
      this.counts.duplicates += duplicates
      this.lastRowid = lastRowid
      if (merge) this.lastCheckpoint = now
      if (this.failingSince !== null)
        options.logger.info('readings store writable again', {
          afterMs: now - this.failingSince,
        })
      this.failingSince = null
      this.retryDelay = RETRY_FIRST_MS
      queue.reset()
    } catch (error) {
      // The transaction rolled back: rebuild the in-memory deltas from what is on disk.
      this.replay()
      if (!this.retryLater(now, error)) queue.reset()
    }
    this.scheduleCheckpoint()
  }

  /**
   * After a failed write: keep the batch queued and retry with backoff while writes have
   * been failing for less than `retryForMs`; else give the batch up (counted, logged).
   */
  private retryLater(now: number, error: unknown): boolean {
    const { options, queue } = this
    if (this.failingSince === null) {
      this.failingSince = now
      options.logger.warn('could not store readings; keeping them and retrying', { error })
    }
    if (!this.closing && now - this.failingSince < options.retryForMs) {
      this.retryTimer = options.clock.setTimeout(() => {
        this.retryTimer = null
        this.write(false)
      }, this.retryDelay)
      unref(this.retryTimer)
      this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2)
      return true
    }
    this.counts.failed += queue.readings
    options.logger.error('could not store readings; giving them up', {
      error,
      readings: queue.readings,
      failingForMs: now - this.failingSince,
    })
    return false
  }

  /** Writes and merges everything, then stops every timer; the caller closes the database. */
  close(): void {
    if (this.closed) return
    this.closing = true
    this.write(true)
    for (const timer of [this.flushTimer, this.checkpointTimer]) {
      if (timer !== null) this.options.clock.clearTimeout(timer)
    }
    this.closed = true
  }

  /** Merges deltas left in memory within `checkpointMs`, even if no more data arrives. */
  private scheduleCheckpoint(): void {
    const { clock, checkpointMs } = this.options
    if (!this.unmerged) {
      if (this.checkpointTimer !== null) clock.clearTimeout(this.checkpointTimer)
      this.checkpointTimer = null
    } else if (this.checkpointTimer === null) {
      this.checkpointTimer = clock.setTimeout(() => {
        this.checkpointTimer = null
        this.write(true)
      }, checkpointMs)
      unref(this.checkpointTimer)
    }
  }

  /**
   * Rebuilds the in-memory state from disk: latest values from their table, rollup deltas
   * from the raw rows past the watermark (committed, but not merged before a crash or failure).
   */
  private replay(): void {
    try {
      this.rollups.clear()
      this.latest.reload()
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'rollup_watermark'").get()
      this.lastRowid = Number(row?.value ?? 0)
      const rows = this.db.prepare(
        'SELECT id, device, ts, data FROM samples WHERE id > ? ORDER BY id',
      )
      rows.setReturnArrays(true)
      const decoder = new SampleDecoder()
      type Row = [number, number, number, Uint8Array]
      for (const [id, device, ts, data] of rows.iterate(this.lastRowid) as Iterable<Row>) {
        decoder.load(data)
        for (let p = 0; p < decoder.count; p++) {
          const series = this.dictionary.series(device, decoder.metric(p))
          this.rollups.add(series, ts, decoder.value(p))
          this.latest.observe(series, ts, decoder.value(p))
        }
        this.lastRowid = id
      }
    } catch (error) {
      this.options.logger.error('could not rebuild rollups from raw readings', { error })
    }
  }
}

export function unref(timer: Timer): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref?.()
}
