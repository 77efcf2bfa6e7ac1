/**
 * InfluxQL (InfluxDB 1.x) statements for the history store, and readers of the `/query`
 * JSON answer (InfluxDB 1.x API reference, "/query HTTP endpoint": `epoch=ms` makes every
 * `time` an integer of milliseconds; results[i] answers the i-th statement, each with
 * `series: [{ name, tags, columns, values }]` or `error`).
 */
import type { QueryPlan } from '../readings-query'
import { windowOffset } from './bucket-grid'
import type { PageRequest } from './history-reads'

/** `"name"`: identifiers are double-quoted with `"` and `\` escaped (InfluxQL spec, Identifiers). */
export function ident(name: string): string {
  return `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}

/** `'text'`: string literals are single-quoted with `'` and `\` escaped (InfluxQL spec, Strings). */
export function literal(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`
}

/** Where the readings live: `"m"`, or `"db"."rp"."m"` when a retention policy is named. */
export interface InfluxQLSource {
  database: string
  retentionPolicy: string
  measurement: string
}

function from(source: InfluxQLSource): string {
  if (source.retentionPolicy === '') return ident(source.measurement)
  return [source.database, source.retentionPolicy, source.measurement].map(ident).join('.')
}

function devicesWhere(deviceIds: readonly string[] | undefined): string {
  if (deviceIds === undefined || deviceIds.length === 0) return ''
  return `(${deviceIds.map((id) => `"device" = ${literal(id)}`).join(' OR ')}) AND `
}

/**
 * min/max/sum/count of every metric per `GROUP BY time(width, offset)` window and device:
 * windows start at multiples of `width` shifted by `offset` (InfluxQL, "Advanced GROUP BY
 * time() syntax"), so they fall exactly on the SQLite store's grid. `fill(none)` leaves
 * empty windows out, as the SQLite store does. Column `<kind>_<i>` is metric i's aggregate.
 */
export function aggregateStatement(
  source: InfluxQLSource,
  grid: QueryPlan,
  deviceIds: readonly string[],
  metrics: readonly string[],
): string {
  const fields = metrics
    .flatMap((metric, i) =>
      (['min', 'max', 'sum', 'count'] as const).map((f) => `${f}(${ident(metric)}) AS "${f}_${i}"`),
    )
    .join(', ')
  return (
    `SELECT ${fields} FROM ${from(source)} WHERE ${devicesWhere(deviceIds)}` +
    `time >= ${grid.from}ms AND time < ${grid.to}ms ` +
    `GROUP BY time(${grid.width}ms, ${windowOffset(grid)}ms), "device" fill(none)`
  )
}

/** The field keys of the measurement (each metric is a field). */
export function fieldKeysStatement(source: InfluxQLSource): string {
  return `SHOW FIELD KEYS FROM ${from(source)}`
}

/**
 * The newest value of each field per device: one `last()` per statement, because with
 * several selectors in one SELECT InfluxQL reports time 0 instead of the point's time.
 */
export function latestStatements(
  source: InfluxQLSource,
  fields: readonly string[],
  deviceId?: string,
): string {
  const where = deviceId === undefined ? '' : ` WHERE "device" = ${literal(deviceId)}`
  return fields
    .map((f) => `SELECT last(${ident(f)}) FROM ${from(source)}${where} GROUP BY "device"`)
    .join('; ')
}

/** One page of raw points in time order (tags come back as columns with `SELECT *`). */
export function rawPageStatement(
  source: InfluxQLSource,
  { range, deviceIds, limit, offset }: PageRequest,
): string {
  return (
    `SELECT * FROM ${from(source)} WHERE ${devicesWhere(deviceIds)}` +
    `time >= ${range.from}ms AND time < ${range.to}ms ORDER BY time ASC ` +
    `LIMIT ${limit} OFFSET ${offset}`
  )
}

/** Every series of one device (all its readings). */
export function dropDeviceStatement(source: InfluxQLSource, deviceId: string): string {
  return `DROP SERIES FROM ${from(source)} WHERE "device" = ${literal(deviceId)}`
}

/** One series of a statement's answer. */
export interface InfluxQLSeries {
  name?: string
  tags?: Record<string, string>
  columns: string[]
  values: (string | number | boolean | null)[][]
}

export interface InfluxQLStatementResult {
  statement_id?: number
  series?: InfluxQLSeries[]
  error?: string
}

/** The statements' results, or an Error naming the first failed statement. */
export function statementResults(json: unknown): InfluxQLStatementResult[] {
  const body = json as { results?: InfluxQLStatementResult[]; error?: string } | null
  if (body === null || typeof body !== 'object') throw new Error('InfluxDB sent no JSON object')
  if (typeof body.error === 'string') throw new Error(`InfluxDB: ${body.error}`)
  const results = Array.isArray(body.results) ? body.results : []
  const failed = results.find((r) => typeof r.error === 'string')
  if (failed) throw new Error(`InfluxDB: ${failed.error}`)
  return results
}
