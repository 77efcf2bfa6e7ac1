import type { ReadingsQueryResult } from '@shared/contract/readings'
import type { Series, XY } from '../charts/TimeSeriesChart'

/**
 * Bucket centres as points, with a break (NaN) where the device was silent for much longer
 * than it usually reports, so the chart does not draw a line across an outage.
 */
export function bucketsToPoints(
  buckets: ReadingsQueryResult['series'][number]['buckets'],
  bucketMs: number,
  pick: (b: { min: number; avg: number; max: number }) => number,
): XY[] {
  const xs = buckets.map((b) => b.t + bucketMs / 2)
  const steps = xs
    .slice(1)
    .map((x, i) => x - (xs[i] as number))
    .sort((a, b) => a - b)
  const median = steps[Math.floor(steps.length / 2)] ?? bucketMs
  const gap = Math.max(3 * bucketMs, 3 * median)
  const points: XY[] = []
  buckets.forEach((b, i) => {
    const x = xs[i] as number
    const prev = points[points.length - 1]
    if (prev && x - prev.x > gap) points.push({ x: prev.x + bucketMs, y: NaN })
    points.push({ x, y: pick(b) })
  })
  return points
}

/**
 * Chart series for one metric: the first device with its min/max band, the others
 * (overlays) as average lines only, so the chart stays readable.
 */
export function historySeries(
  result: ReadingsQueryResult | undefined,
  metric: string,
  names: ReadonlyMap<string, string>,
  colors: string[],
  convert: (v: number) => number,
): Series[] {
  if (!result) return []
  const series: Series[] = []
  result.series
    .filter((s) => s.metric === metric)
    .forEach((s, i) => {
      const pick = (f: (b: { min: number; avg: number; max: number }) => number) =>
        bucketsToPoints(s.buckets, result.bucketMs, (b) => convert(f(b)))
      series.push({
        id: s.deviceId,
        label: names.get(s.deviceId) ?? s.deviceId,
        color: colors[i % colors.length] as string,
        points: pick((b) => b.avg),
        band: i === 0 ? { min: pick((b) => b.min), max: pick((b) => b.max) } : undefined,
      })
    })
  return series
}
