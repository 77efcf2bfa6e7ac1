/**
 * InfluxDB line protocol (InfluxDB 1.x docs, "Line protocol reference"; identical in 2.x):
 *   measurement[,tag=value…] field=value[,field=value…] timestamp
 * Escaping ("Special characters"): measurement → `,` and space; tag keys, tag values and
 * field keys → `,`, `=` and space; string field values → `"` and `\`. Numbers without an
 * `i` suffix are floats, which is what we always write so a whole-number first reading
 * cannot fix the field's type to integer.
 */
import type { ReadingPoint } from '../../../shared/contract/readings'

export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, (c) => `\\${c}`)
}

export function escapeKey(key: string): string {
  return key.replace(/[,= ]/g, (c) => `\\${c}`)
}

/** Tag values may not contain newlines; they would end the line. */
export function escapeTagValue(value: string): string {
  return escapeKey(value.replace(/[\r\n]+/g, ' '))
}

export function stringField(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]+/g, ' ')}"`
}

export function floatField(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value)
}

export interface LinePoint {
  measurement: string
  tags: Record<string, string>
  /** number → float; `{ int }` → integer (i suffix); string → quoted. */
  fields: Record<string, number | string | { int: number }>
  /** epoch ms (we write with precision=ms) */
  ts: number
}

function fieldValue(value: number | string | { int: number }): string {
  if (typeof value === 'number') return floatField(value)
  if (typeof value === 'string') return stringField(value)
  return `${Math.trunc(value.int)}i`
}

/** One line; null when there is no valid field (line protocol requires at least one). */
export function toLine(point: LinePoint): string | null {
  const fields = Object.entries(point.fields)
    .filter(([, v]) => typeof v !== 'number' || Number.isFinite(v))
    .map(([k, v]) => `${escapeKey(k)}=${fieldValue(v)}`)
  if (fields.length === 0) return null
  // Tags sorted by key: InfluxDB's recommendation for write performance.
  const tags = Object.entries(point.tags)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `,${escapeKey(k)}=${escapeTagValue(v)}`)
    .join('')
  return `${escapeMeasurement(point.measurement)}${tags} ${fields.join(',')} ${Math.round(point.ts)}`
}

/**
 * Readings → lines: the metrics one device reported at one instant become the fields of
 * one point (`iot,device=esp32-a1b2c3 humidity=40.5,temperature=21.4 1732700000000`).
 */
export function readingsToLines(points: readonly ReadingPoint[], measurement: string): string[] {
  const grouped = new Map<string, LinePoint>()
  for (const p of points) {
    const key = `${p.deviceId}\u0000${p.ts}`
    let point = grouped.get(key)
    if (!point) {
      point = { measurement, tags: { device: p.deviceId }, fields: {}, ts: p.ts }
      grouped.set(key, point)
    }
    point.fields[p.metric] = p.value
  }
  const lines: string[] = []
  for (const point of grouped.values()) {
    const line = toLine(point)
    if (line !== null) lines.push(line)
  }
  return lines
}
