/**
 * Flux (InfluxDB 2.x) queries for the history store. Durations are written in `ms`, times
 * as RFC 3339 literals (Flux spec, "Duration literals" and "Date and time literals"), and
 * strings with `\`, `"` and `${` escaped (Flux spec, "String literals": `${` starts
 * interpolation).
 */
import type { QueryPlan } from '../readings-query'
import { windowOffset } from './bucket-grid'
import type { PageRequest } from './history-reads'

/** Where the readings live in 2.x. */
export interface FluxSource {
  bucket: string
  measurement: string
}

export function fluxString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${')}"`
}

export function fluxTime(ms: number): string {
  return new Date(ms).toISOString()
}

function anyOf(column: string, values: readonly string[] | undefined): string {
  if (values === undefined || values.length === 0) return ''
  return ` and (${values.map((v) => `r.${column} == ${fluxString(v)}`).join(' or ')})`
}

function select(
  source: FluxSource,
  range: { from: number; to: number } | null,
  deviceIds?: readonly string[],
  metrics?: readonly string[],
): string {
  const start = range === null ? '1970-01-01T00:00:00Z' : fluxTime(range.from)
  // No range: all time, including points a board with a clock ahead stamped in the future.
  const stop = range === null ? '2262-01-01T00:00:00Z' : fluxTime(range.to)
  return [
    `from(bucket: ${fluxString(source.bucket)})`,
    `  |> range(start: ${start}, stop: ${stop})`,
    `  |> filter(fn: (r) => r._measurement == ${fluxString(source.measurement)}` +
      `${anyOf('device', deviceIds)}${anyOf('_field', metrics)})`,
  ].join('\n')
}

/** The four aggregates `aggregateWindow()` yields per window, each as its own result. */
export const AGGREGATES = ['min', 'max', 'sum', 'count'] as const

/**
 * min/max/sum/count per window, device and metric. `aggregateWindow(every, offset)` cuts
 * windows at multiples of `every` shifted by `offset` (Flux stdlib, aggregateWindow), so
 * with `offset` = from mod width they fall on the SQLite store's grid; `timeSrc: "_start"`
 * stamps each with its start; `createEmpty: false` leaves empty windows out. Grouping by
 * device and field first means extra tags cannot split one series into several.
 */
export function aggregateQuery(
  source: FluxSource,
  grid: QueryPlan,
  deviceIds: readonly string[],
  metrics: readonly string[],
): string {
  const lines = [
    `data = ${select(source, grid, deviceIds, metrics)}`,
    '  |> group(columns: ["device", "_field"])',
  ]
  for (const fn of AGGREGATES) {
    lines.push(
      `data |> aggregateWindow(every: ${grid.width}ms, offset: ${windowOffset(grid)}ms, ` +
        `fn: ${fn}, createEmpty: false, timeSrc: "_start") |> yield(name: "${fn}")`,
    )
  }
  return lines.join('\n')
}

/** The newest point per device and metric. */
export function latestQuery(source: FluxSource, deviceId?: string): string {
  const ids = deviceId === undefined ? undefined : [deviceId]
  return `${select(source, null, ids)}\n  |> group(columns: ["device", "_field"])\n  |> last()`
}

/** One page of raw points ordered by time, device, metric. */
export function rawPageQuery(
  source: FluxSource,
  { range, deviceIds, limit, offset }: PageRequest,
): string {
  return [
    select(source, range, deviceIds),
    '  |> group()',
    '  |> sort(columns: ["_time", "device", "_field"])',
    `  |> limit(n: ${limit}, offset: ${offset})`,
  ].join('\n')
}

/**
 * `POST /api/v2/delete` predicate for one device (InfluxDB 2.x, "Delete predicate syntax":
 * `key="value"` joined with AND; it has no escape for `"`, so such ids are refused).
 */
export function deletePredicate(measurement: string, deviceId: string): string {
  if (/["\\]/.test(deviceId))
    throw new Error(`InfluxDB 2.x cannot delete device "${deviceId}": its id has " or \\`)
  return `_measurement="${measurement}" AND device="${deviceId}"`
}
