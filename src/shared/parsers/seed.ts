/**
 * The seed article's payload: `"temp:{},hum:{}".format(temp, hum)` → `temp:21,hum:40`.
 * Accepted exactly (anything else is "not this format"):
 *   payload := pair ( [,;] pair )*          at most MAX_METRICS pairs, no key twice
 *   pair    := key [:=] value               spaces allowed around every token
 *   key     := [A-Za-z_][A-Za-z0-9_]*       temp/temperature/t, hum/humidity/h, or any other metric
 *   value   := decimal [unit]               decimal as Python prints it (`21`, `-3.5`, `1e-05`)
 *   unit    := °C | C | ℃ | °F | F | ℉      temperature only (°F is converted to °C)
 *            | % | %RH                      humidity only
 * `nan`/`inf` values make the payload unparsed ("non-finite"), never a reading.
 */
import { fahrenheitToCelsius, MAX_METRICS, metricForKey, parseNumber } from './text'
import type { ParsedReading } from './types'

export type SeedResult =
  { ok: true; readings: ParsedReading[] } | { ok: false; reason: 'non-finite'; detail: string }

const PAIR = /^\s*([A-Za-z_][A-Za-z0-9_]{0,47})\s*[:=]\s*(.*?)\s*$/
const UNIT = /(°\s*[CF]|℃|℉|%\s*RH|%|[CF])$/i
const NON_FINITE_WORD = /^[+-]?(?:nan|inf|infinity)$/i

/** Parses the seed's key:value list; null when the text is not in that format at all. */
export function parseSeedPayload(text: string): SeedResult | null {
  if (text.length > 1024 || !/[:=]/.test(text)) return null
  const parts = text.split(/[,;]/)
  if (parts.length > MAX_METRICS) return null
  const readings: ParsedReading[] = []
  const seen = new Set<string>()
  for (const part of parts) {
    const pair = PAIR.exec(part)
    if (!pair) return null
    const [, key = '', rawValue = ''] = pair
    const mapped = metricForKey(key)
    if (mapped === null || seen.has(mapped.metric)) return null
    seen.add(mapped.metric)
    const value = valueWithUnit(mapped.metric, rawValue, mapped.fahrenheit)
    if (value === 'non-finite')
      return { ok: false, reason: 'non-finite', detail: `${key} is ${rawValue}` }
    if (value === null) return null
    readings.push({ metric: mapped.metric, value })
  }
  return { ok: true, readings }
}

/**
 * A number with an optional unit that must fit the metric (see the grammar above).
 * Returns the value in our units, 'non-finite' for nan/inf, or null when malformed.
 */
export function valueWithUnit(
  metric: string,
  raw: string,
  fahrenheit = false,
): number | 'non-finite' | null {
  const text = raw.trim()
  if (NON_FINITE_WORD.test(text)) return 'non-finite'
  const unitMatch = UNIT.exec(text)
  const unit = unitMatch ? unitMatch[1]!.replace(/\s+/g, '').toUpperCase() : null
  const numberText = unitMatch ? text.slice(0, unitMatch.index) : text
  const parsed = parseNumber(numberText)
  if (!parsed.ok) return parsed.nonFinite ? 'non-finite' : null
  if (unit === null) return fahrenheit ? fahrenheitToCelsius(parsed.value) : parsed.value
  if (metric === 'temperature' && !fahrenheit) {
    if (unit === 'C' || unit === '°C' || unit === '℃') return parsed.value
    if (unit === 'F' || unit === '°F' || unit === '℉') return fahrenheitToCelsius(parsed.value)
    return null
  }
  if (metric === 'humidity' && (unit === '%' || unit === '%RH')) return parsed.value
  return null
}
