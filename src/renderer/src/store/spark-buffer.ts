import type { SparkPoint } from '../charts/points'

/** Sparklines show the last hour in one-minute averages: at most ~62 points per metric. */
export const SPARK_WINDOW_MS = 3_600_000
export const SPARK_BUCKET_MS = 60_000

export interface SparkBucket extends SparkPoint {
  n: number
}

/**
 * Adds a batch of one device's readings to a sparkline, returning a new array copied once
 * (the old one stays valid for React snapshots). Readings older than the newest bucket are
 * folded into it rather than reordering the line; buckets past the window are dropped, so
 * the array stays small.
 */
export function addAllToSpark(
  points: readonly SparkBucket[],
  readings: readonly { ts: number; value: number }[],
): SparkBucket[] {
  const kept = points.slice()
  let newest = -Infinity
  for (const { ts, value } of readings) {
    newest = Math.max(newest, ts)
    const mid = Math.floor(ts / SPARK_BUCKET_MS) * SPARK_BUCKET_MS + SPARK_BUCKET_MS / 2
    const last = kept[kept.length - 1]
    if (last && mid <= last.t) {
      const n = last.n + 1
      kept[kept.length - 1] = { t: last.t, v: last.v + (value - last.v) / n, n }
    } else {
      kept.push({ t: mid, v: value, n: 1 })
    }
  }
  const cutoff = newest - SPARK_WINDOW_MS - SPARK_BUCKET_MS
  let drop = 0
  while (drop < kept.length && (kept[drop] as SparkBucket).t < cutoff) drop++
  if (drop > 0) kept.splice(0, drop)
  return kept
}
