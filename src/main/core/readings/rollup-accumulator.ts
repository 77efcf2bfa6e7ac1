import type { DatabaseSync, StatementSync } from 'node:sqlite'

/** A rollup tier: min/max/sum/count per series per `ms`-wide bucket, in `table`. */
export interface RollupTier {
  name: 'minute' | 'hour'
  ms: number
  table: string
}

export const ROLLUP_TIERS: readonly RollupTier[] = [
  { name: 'minute', ms: 60_000, table: 'rollup_1m' },
  { name: 'hour', ms: 3_600_000, table: 'rollup_1h' },
]

/** Start of the `ms`-wide bucket holding `ts` (floor, so pre-1970 times bucket the same way). */
export function bucketStart(ts: number, ms: number): number {
  return Math.floor(ts / ms) * ms
}

/**
 * The rollup deltas of one tier since the last merge: one slot per (series, bucket) touched,
 * kept in parallel typed arrays that are reused after each merge, so steady ingest allocates
 * only when a new bucket starts, not per reading.
 */
class TierDeltas {
  readonly tier: RollupTier
  slots = 0
  private readonly slotOf: (Map<number, number> | undefined)[] = []
  private touched: number[] = []
  private series: Float64Array = new Float64Array(256)
  private bucket: Float64Array = new Float64Array(256)
  private min: Float64Array = new Float64Array(256)
  private max: Float64Array = new Float64Array(256)
  private sum: Float64Array = new Float64Array(256)
  private count: Float64Array = new Float64Array(256)
  private readonly upsert: StatementSync

  constructor(db: DatabaseSync, tier: RollupTier) {
    this.tier = tier
    // Merging is associative, so deltas can land in any order and any number of times
    // between merges: min of mins, max of maxes, sums of sums and counts.
    this.upsert = db.prepare(
      `INSERT INTO ${tier.table} (series, bucket, vmin, vmax, vsum, n) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (series, bucket) DO UPDATE SET
         vmin = min(vmin, excluded.vmin), vmax = max(vmax, excluded.vmax),
         vsum = vsum + excluded.vsum, n = n + excluded.n`,
    )
  }

  add(series: number, ts: number, value: number): void {
    const bucket = bucketStart(ts, this.tier.ms)
    let slots = this.slotOf[series]
    if (slots === undefined) {
      slots = this.slotOf[series] = new Map()
      this.touched.push(series)
    } else if (slots.size === 0) this.touched.push(series)
    const slot = slots.get(bucket)
    if (slot === undefined) {
      const s = this.slots++
      if (s === this.series.length) this.grow()
      slots.set(bucket, s)
      this.series[s] = series
      this.bucket[s] = bucket
      this.min[s] = value
      this.max[s] = value
      this.sum[s] = value
      this.count[s] = 1
      return
    }
    if (value < this.min[slot]!) this.min[slot] = value
    if (value > this.max[slot]!) this.max[slot] = value
    this.sum[slot]! += value
    this.count[slot]!++
  }

  /** Upserts every slot (inside the caller's transaction), then forgets them. */
  merge(): void {
    for (let s = 0; s < this.slots; s++) {
      this.upsert.run(
        this.series[s]!,
        this.bucket[s]!,
        this.min[s]!,
        this.max[s]!,
        this.sum[s]!,
        this.count[s]!,
      )
    }
    this.clear()
  }

  clear(): void {
    for (const series of this.touched) this.slotOf[series]?.clear()
    this.touched = []
    this.slots = 0
  }

  private grow(): void {
    const size = this.series.length * 2
    const grown = (old: Float64Array): Float64Array => {
      const next = new Float64Array(size)
      next.set(old)
      return next
    }
    this.series = grown(this.series)
    this.bucket = grown(this.bucket)
    this.min = grown(this.min)
    this.max = grown(this.max)
    this.sum = grown(this.sum)
    this.count = grown(this.count)
  }
}

/**
 * Rollup deltas of every tier, accumulated in memory as readings are stored and merged into
 * the rollup tables by `merge` (the store does it in the same transaction as a raw batch and
 * the watermark, so tables, watermark and raw rows always agree).
 */
export class RollupAccumulator {
  private readonly tiers: TierDeltas[]

  constructor(db: DatabaseSync) {
    this.tiers = ROLLUP_TIERS.map((tier) => new TierDeltas(db, tier))
  }

  /** Counts one stored reading in every tier. */
  add(series: number, ts: number, value: number): void {
    for (const tier of this.tiers) tier.add(series, ts, value)
  }

  /** (series, bucket) slots waiting to be merged, over all tiers. */
  get size(): number {
    let slots = 0
    for (const tier of this.tiers) slots += tier.slots
    return slots
  }

  /** Writes the deltas into the rollup tables; must run inside a transaction. */
  merge(): void {
    for (const tier of this.tiers) tier.merge()
  }

  /** Drops the deltas unwritten (after a failed transaction, before replaying from disk). */
  clear(): void {
    for (const tier of this.tiers) tier.clear()
  }
}
