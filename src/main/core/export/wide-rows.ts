import type { ReadingPoint } from '../../../shared/contract/readings'

/** One export row: every wanted metric a device reported at one instant. */
export interface WideRow {
  ts: number
  deviceId: string
  values: Map<string, number>
}

/**
 * Folds readings sorted by (ts, device) into one row per device and instant, keeping only
 * `metrics`. Holds one row at a time, so memory does not grow with the range exported.
 */
export async function* wideRows(
  source: Iterable<ReadingPoint> | AsyncIterable<ReadingPoint>,
  metrics: readonly string[],
): AsyncGenerator<WideRow> {
  const wanted = new Set(metrics)
  let row: WideRow | null = null
  for await (const point of source) {
    if (!wanted.has(point.metric)) continue
    if (row !== null && (row.ts !== point.ts || row.deviceId !== point.deviceId)) {
      yield row
      row = null
    }
    row ??= { ts: point.ts, deviceId: point.deviceId, values: new Map() }
    row.values.set(point.metric, point.value)
  }
  if (row !== null) yield row
}
