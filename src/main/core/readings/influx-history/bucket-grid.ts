import type { Bucket } from '../../../../shared/contract/readings'
import type { HistoryQuery, HistoryResult } from '../history-store'
import { planQuery, type QueryPlan } from '../readings-query'

/**
 * The bucket grid of a query, exactly as the SQLite store lays it out (planQuery): raw-width
 * buckets from `from` for short ranges, and for longer ones `from` aligned down to the minute
 * or hour and a width that is a whole number of minutes or hours. InfluxDB keeps its own
 * retention, so every tier counts as available (the SQLite store gives the same grid as long
 * as its retention has not pruned the range).
 */
export function historyGrid(q: HistoryQuery): QueryPlan {
  return planQuery(q, () => -Infinity)
}

/** Where InfluxDB's epoch-aligned windows must be shifted to start at `grid.from` (0 ≤ offset < width). */
export function windowOffset(grid: QueryPlan): number {
  return ((grid.from % grid.width) + grid.width) % grid.width
}

/** Per device × metric aggregates as InfluxDB returns them, before they become Buckets. */
export class BucketCollector {
  private readonly cells = new Map<string, Map<number, Partial<Aggregates>>>()

  constructor(private readonly grid: QueryPlan) {}

  /** Records one aggregate of one bucket; buckets outside the grid are ignored. */
  set(deviceId: string, metric: string, t: number, kind: keyof Aggregates, value: number): void {
    if (t < this.grid.from || t >= this.grid.to) return
    const key = `${deviceId}\u0000${metric}`
    let series = this.cells.get(key)
    if (series === undefined) this.cells.set(key, (series = new Map()))
    let cell = series.get(t)
    if (cell === undefined) series.set(t, (cell = {}))
    cell[kind] = value
  }

  /** Device-major, request order; avg = sum / count as the SQLite store computes it. */
  result(q: HistoryQuery): HistoryResult {
    const series: HistoryResult['series'] = []
    for (const deviceId of q.deviceIds) {
      for (const metric of q.metrics) {
        const cells = this.cells.get(`${deviceId}\u0000${metric}`)
        const buckets: Bucket[] = []
        for (const [t, c] of [...(cells ?? [])].sort((a, b) => a[0] - b[0])) {
          if (!c.count || c.min === undefined || c.max === undefined || c.sum === undefined)
            continue
          buckets.push({ t, min: c.min, avg: c.sum / c.count, max: c.max, count: c.count })
        }
        series.push({ deviceId, metric, buckets })
      }
    }
    return { bucketMs: this.grid.width, series }
  }
}

export interface Aggregates {
  min: number
  max: number
  sum: number
  count: number
}
