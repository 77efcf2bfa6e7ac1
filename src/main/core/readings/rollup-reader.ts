import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Bucket } from '../../../shared/contract/readings'
import { ROLLUP_TIERS, type RollupTier } from './rollup-accumulator'

/** The bucket grid a query fills: `buckets` buckets of `width` ms from `from`, ending at `to`. */
export interface BucketGrid {
  from: number
  to: number
  width: number
  buckets: number
}

/** Per-bucket min/max/sum/count of one series, filled from any tier, then turned into Buckets. */
export class BucketSums {
  readonly min: Float64Array
  readonly max: Float64Array
  readonly sum: Float64Array
  readonly count: Float64Array

  constructor(n: number) {
    this.min = new Float64Array(n).fill(Infinity)
    this.max = new Float64Array(n).fill(-Infinity)
    this.sum = new Float64Array(n)
    this.count = new Float64Array(n)
  }

  /** The non-empty buckets, in time order. */
  toBuckets(grid: BucketGrid): Bucket[] {
    const buckets: Bucket[] = []
    for (let b = 0; b < this.count.length; b++) {
      const count = this.count[b]!
      if (count === 0) continue
      const t = grid.from + b * grid.width
      const avg = this.sum[b]! / count
      buckets.push({ t, min: this.min[b]!, avg, max: this.max[b]!, count })
    }
    return buckets
  }
}

/** Output buckets aggregated per SQL call when SQLite does the summing. */
const BUCKETS_PER_CALL = 64

interface TierStatements {
  rows: StatementSync
  aggregates: StatementSync
}

/**
 * Reads one series' rollup rows into a bucket grid, choosing between two ways by the rows per
 * output bucket (measured on 30 days of minutes and a year of hours, 1,000 points each):
 * handing rows to JS costs ~310 ns a row; SQLite summing each output bucket as an index range
 * costs ~95 ns a row plus ~1.7 µs a bucket when 64 buckets go in one UNION ALL call (one call
 * per bucket cost ~4 µs, a GROUP BY sorts). Rows to JS win below ~8 rows per bucket.
 */
export class RollupReader {
  private readonly statements = new Map<string, TierStatements>()
  private readonly params: number[] = []

  constructor(db: DatabaseSync) {
    for (const tier of ROLLUP_TIERS) {
      const range = (lo: string, hi: string): string =>
        `FROM ${tier.table} WHERE series = ?1 AND bucket >= ${lo} AND bucket < ${hi}`
      const rows = db.prepare(`SELECT bucket, vmin, vmax, vsum, n ${range('?2', '?3')}`)
      const aggregates = db.prepare(
        Array.from(
          { length: BUCKETS_PER_CALL },
          (_, k) =>
            `SELECT ${k}, min(vmin), max(vmax), sum(vsum), sum(n) ${range(`?${2 * k + 2}`, `?${2 * k + 3}`)}`,
        ).join(' UNION ALL '),
      )
      rows.setReturnArrays(true)
      aggregates.setReturnArrays(true)
      this.statements.set(tier.table, { rows, aggregates })
    }
  }

  /** Fills `sums` with `series`' rollups of `tier` over the grid. */
  read(tier: RollupTier, series: number, grid: BucketGrid, sums: BucketSums): void {
    const statements = this.statements.get(tier.table)!
    const { from, to, width } = grid
    if ((to - from) / tier.ms < 8 * grid.buckets) {
      type Row = [number, number, number, number, number]
      for (const row of statements.rows.all(series, from, to) as unknown as Row[]) {
        const b = Math.floor((row[0] - from) / width)
        if (row[1] < sums.min[b]!) sums.min[b] = row[1]
        if (row[2] > sums.max[b]!) sums.max[b] = row[2]
        sums.sum[b]! += row[3]
        sums.count[b]! += row[4]
      }
      return
    }
    const params = this.params
    type Aggregate = [number, number | null, number | null, number | null, number | null]
    for (let first = 0; first < grid.buckets; first += BUCKETS_PER_CALL) {
      params.length = 0
      params.push(series)
      for (let k = 0; k < BUCKETS_PER_CALL; k++) {
        // Past the last bucket the range is empty ([to, to)), so its row has count NULL.
        const start = Math.min(from + (first + k) * width, to)
        params.push(start, Math.min(start + width, to))
      }
      for (const row of statements.aggregates.all(...params) as unknown as Aggregate[]) {
        if (row[4] === null) continue
        const b = first + row[0]
        sums.min[b] = row[1]!
        sums.max[b] = row[2]!
        sums.sum[b] = row[3]!
        sums.count[b] = row[4]
      }
    }
  }
}
