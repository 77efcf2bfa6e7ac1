import type { DatabaseSync, StatementSync } from 'node:sqlite'
import type { Bucket } from '../../../shared/contract/readings'
import { bucketStart, ROLLUP_TIERS, type RollupTier } from './rollup-accumulator'
import { SampleDecoder } from './sample-codec'
import type { SeriesDictionary } from './series-dictionary'

/** How a range query is answered: from raw samples (`tier` null) or from a rollup tier. */
export interface QueryPlan {
  tier: RollupTier | null
  /** Start of the first bucket (aligned down to the tier when a tier is used). */
  from: number
  /** End of the last bucket (aligned up to the tier when a tier is used). */
  to: number
  /** Bucket width: a multiple of the tier when a tier is used. */
  width: number
  buckets: number
}

/**
 * Picks the coarsest tier no wider than the bucket width asked for (range ÷ points), then
 * moves to a coarser tier while retention has already pruned the chosen one at `from` (a
 * short range a year ago is answered from hourly rollups rather than pruned raw rows).
 * With a tier, the range widens to whole tier buckets and the width rounds up to a multiple
 * of the tier, so there are never more buckets than `points`.
 * `keptSince(tier)` gives the oldest time a tier still holds (null = raw).
 */
export function planQuery(
  range: { from: number; to: number; points: number },
  keptSince: (tier: RollupTier | null) => number,
): QueryPlan {
  const from = Math.floor(range.from)
  const to = Math.ceil(range.to)
  const points = Math.max(1, Math.floor(range.points))
  const wanted = Math.max(1, Math.ceil((to - from) / points))
  const tiers: (RollupTier | null)[] = [null, ...ROLLUP_TIERS]
  let i = 0
  while (i + 1 < tiers.length && tiers[i + 1]!.ms <= wanted) i++
  while (i + 1 < tiers.length && from < keptSince(tiers[i]!)) i++
  const tier = tiers[i]!
  if (tier === null)
    return { tier, from, to, width: wanted, buckets: Math.ceil((to - from) / wanted) }
  const alignedFrom = bucketStart(from, tier.ms)
  const alignedTo = -bucketStart(-to, tier.ms)
  const span = alignedTo - alignedFrom
  const width = Math.ceil(Math.ceil(span / points) / tier.ms) * tier.ms
  return { tier, from: alignedFrom, to: alignedTo, width, buckets: Math.ceil(span / width) }
}

/** One requested series' result. */
export interface SeriesResult {
  deviceId: string
  metric: string
  buckets: Bucket[]
}

/** Per-bucket min/max/sum/count of one series, filled by either tier, then turned into Buckets. */
class BucketSums {
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

  toBuckets(plan: QueryPlan): Bucket[] {
    const buckets: Bucket[] = []
    for (let b = 0; b < this.count.length; b++) {
      const count = this.count[b]!
      if (count === 0) continue
      const sum = this.sum[b]!
      buckets.push({
        t: plan.from + b * plan.width,
        min: this.min[b]!,
        avg: sum / count,
        max: this.max[b]!,
        count,
      })
    }
    return buckets
  }
}

/** Executes query plans against the readings database. */
export class ReadingsQuery {
  private readonly raw: StatementSync
  private readonly rollup = new Map<string, StatementSync>()
  private readonly decoder = new SampleDecoder()
  private readonly dictionary: SeriesDictionary

  constructor(db: DatabaseSync, dictionary: SeriesDictionary) {
    this.dictionary = dictionary
    this.raw = db.prepare('SELECT ts, data FROM samples WHERE device = ? AND ts >= ? AND ts < ?')
    this.raw.setReturnArrays(true)
    for (const tier of ROLLUP_TIERS) {
      // One aggregate per output bucket: each is an index range over the (series, bucket)
      // primary key, summed in SQLite, which measured faster than a GROUP BY (it sorts) or
      // than handing every rollup row to JS.
      const statement = db.prepare(
        `SELECT min(vmin), max(vmax), sum(vsum), sum(n) FROM ${tier.table}
         WHERE series = ? AND bucket >= ? AND bucket < ?`,
      )
      statement.setReturnArrays(true)
      this.rollup.set(tier.table, statement)
    }
  }

  /** Every device × metric (device-major, in request order), empty buckets left out. */
  run(plan: QueryPlan, deviceIds: readonly string[], metrics: readonly string[]): SeriesResult[] {
    const series: SeriesResult[] = []
    for (const deviceId of deviceIds) {
      const sums =
        plan.tier === null
          ? this.fromRaw(plan, deviceId, metrics)
          : metrics.map((metric) => this.fromRollup(plan, plan.tier!, deviceId, metric))
      metrics.forEach((metric, i) =>
        series.push({ deviceId, metric, buckets: sums[i]?.toBuckets(plan) ?? [] }),
      )
    }
    return series
  }

  /** One pass over the device's raw rows serves every requested metric. */
  private fromRaw(
    plan: QueryPlan,
    deviceId: string,
    metrics: readonly string[],
  ): (BucketSums | undefined)[] {
    const device = this.dictionary.findDevice(deviceId)
    if (device === undefined) return []
    const sums: BucketSums[] = []
    const slotOfMetric: number[] = []
    metrics.forEach((name, i) => {
      sums.push(new BucketSums(plan.buckets))
      const id = this.dictionary.findMetric(name)
      if (id !== undefined && slotOfMetric[id] === undefined) slotOfMetric[id] = i
    })
    const decoder = this.decoder
    const { from, width } = plan
    for (const row of this.raw.all(device, plan.from, plan.to) as unknown as [
      number,
      Uint8Array,
    ][]) {
      decoder.load(row[1])
      const b = Math.floor((row[0] - from) / width)
      for (let p = 0; p < decoder.count; p++) {
        const slot = slotOfMetric[decoder.metric(p)]
        if (slot === undefined) continue
        const s = sums[slot]!
        const value = decoder.value(p)
        if (value < s.min[b]!) s.min[b] = value
        if (value > s.max[b]!) s.max[b] = value
        s.sum[b]! += value
        s.count[b]!++
      }
    }
    // A metric asked for twice shares the first one's sums.
    return metrics.map((name) => {
      const id = this.dictionary.findMetric(name)
      return id === undefined ? undefined : sums[slotOfMetric[id]!]
    })
  }

  private fromRollup(
    plan: QueryPlan,
    tier: RollupTier,
    deviceId: string,
    metric: string,
  ): BucketSums | undefined {
    const device = this.dictionary.findDevice(deviceId)
    const metricId = this.dictionary.findMetric(metric)
    if (device === undefined || metricId === undefined) return undefined
    const series = this.dictionary.findSeries(device, metricId)
    if (series === undefined) return undefined
    const statement = this.rollup.get(tier.table)!
    const sums = new BucketSums(plan.buckets)
    for (let b = 0; b < plan.buckets; b++) {
      const start = plan.from + b * plan.width
      const row = statement.get(series, start, Math.min(start + plan.width, plan.to)) as unknown as
        [number | null, number | null, number | null, number | null] | undefined
      if (row === undefined || row[3] === null) continue
      sums.min[b] = row[0]!
      sums.max[b] = row[1]!
      sums.sum[b] = row[2]!
      sums.count[b] = row[3]
    }
    return sums
  }
}
