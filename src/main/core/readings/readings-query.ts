import type { Bucket } from '../../../shared/contract/readings'
import type { DatabaseSync, StatementSync } from 'node:sqlite'
import { bucketStart, ROLLUP_TIERS, type RollupTier } from './rollup-accumulator'
import { BucketSums, RollupReader, type BucketGrid } from './rollup-reader'
import { SampleDecoder } from './sample-codec'
import type { SeriesDictionary } from './series-dictionary'

/** How a range query is answered: from raw samples (`tier` null) or from a rollup tier. */
export interface QueryPlan extends BucketGrid {
  tier: RollupTier | null
  /** With a tier: `from` aligned down and `to` up to it, `width` a multiple of it. */
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

/** Executes query plans against the readings database. */
export class ReadingsQuery {
  private readonly raw: StatementSync
  private readonly rollups: RollupReader
  private readonly decoder = new SampleDecoder()
  private readonly dictionary: SeriesDictionary

  constructor(db: DatabaseSync, dictionary: SeriesDictionary) {
    this.dictionary = dictionary
    this.raw = db.prepare('SELECT ts, data FROM samples WHERE device = ? AND ts >= ? AND ts < ?')
    this.raw.setReturnArrays(true)
    this.rollups = new RollupReader(db)
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
    type Row = [number, Uint8Array]
    for (const row of this.raw.all(device, plan.from, plan.to) as unknown as Row[]) {
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
    const sums = new BucketSums(plan.buckets)
    this.rollups.read(tier, series, plan, sums)
    return sums
  }
}
