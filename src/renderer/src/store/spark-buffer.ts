import type { SparkPoint } from '../charts/Sparkline'

/** Sparklines show the last hour in one-minute averages: at most ~62 points per metric. */
export const SPARK_WINDOW_MS = 3_600_000
export const SPARK_BUCKET_MS = 60_000

export interface SparkBucket extends SparkPoint {
  n: number
}

/**
 * Adds one reading to a sparkline, returning a new array (the old one stays valid for
 * React snapshots). Readings older than the newest bucket are folded into it rather than
 * reordering the line; buckets past the window are dropped, so the array stays small.
 */
export function addToSpark(
  points: readonly SparkBucket[],
  ts: number,
  value: number,
): SparkBucket[] {
  const mid = Math.floor(ts / SPARK_BUCKET_MS) * SPARK_BUCKET_MS + SPARK_BUCKET_MS / 2
  const last = points[points.length - 1]
  const cutoff = ts - SPARK_WINDOW_MS - SPARK_BUCKET_MS
  const kept =
    points[0] && points[0].t < cutoff ? points.filter((p) => p.t >= cutoff) : points.slice()
  if (last && mid <= last.t) {
    const n = last.n + 1
    kept[kept.length - 1] = { t: last.t, v: last.v + (value - last.v) / n, n }
  } else {
    kept.push({ t: mid, v: value, n: 1 })
  }
  return kept
}
