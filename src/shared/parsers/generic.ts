/**
 * Devices nobody configured: flat JSON objects with numeric fields, and bare numbers.
 *
 * Flat JSON: every top-level field whose value is a finite number (or a string in the
 * strict decimal grammar) becomes a metric, named by ecosystems/metric-names.ts
 * (temp/t → temperature, hum/h/rh → humidity, batt → battery, …; temp_f/tempf → temperature
 * converted from °F), and a `unit`/`units`/`temp_unit` field of "F"/"°F" converts the
 * temperatures (`temperature`, `dew_point`). Nested objects,
 * arrays, booleans and other strings are skipped. `ts`/`timestamp`/`time` (epoch s or ms)
 * and `seq` are metadata, not metrics.
 *
 * Bare numbers (`21.5`, `21.5 °C`, JSON `"21.5"`): the metric is the topic's last level
 * (`home/kitchen/temperature` → device `home.kitchen`, metric `temperature`).
 */
import { deviceIdFromTopic, lastLevel, parentTopic } from '../topics'
import { CELSIUS_METRICS } from './ecosystems/metric-names'
import { valueWithUnit } from './seed'
import {
  deviceTimeMs,
  fahrenheitToCelsius,
  jsonNumber,
  MAX_METRICS,
  metricForKey,
  plausibleTs,
  presenceWord,
} from './text'
import { parsed, unparsed, type ParseOutcome, type ParsedReading, type SourceFormat } from './types'

const META_KEYS = new Set([
  'ts',
  'timestamp',
  'time',
  'seq',
  'unit',
  'units',
  'temp_unit',
  'tempunit',
  'id',
])
/** Fields looked at per object: a 10,000-key object costs no more than a 256-key one. */
const MAX_FIELDS = 256

export interface FlatJson {
  readings: ParsedReading[]
  ts?: number
  /** A device time that was given but not believed (see plausibleTs), epoch ms. */
  rejectedTs?: number
  seq?: number
}

/** Numeric fields of a flat JSON object (see the file comment); never throws. */
export function readFlatJson(object: Record<string, unknown>, receivedAt: number): FlatJson {
  const unitField = object.unit ?? object.units ?? object.temp_unit ?? object.TempUnit
  // Only a string unit counts: String() on a hostile object could run its own toString.
  const unit = typeof unitField === 'string' ? unitField.trim().toUpperCase() : ''
  const inFahrenheit = unit === 'F' || unit === '°F'
  const readings: ParsedReading[] = []
  const taken = new Set<string>()
  let fields = 0
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue
    if (++fields > MAX_FIELDS || readings.length >= MAX_METRICS) break
    const mapped = metricForKey(key)
    if (mapped === null || META_KEYS.has(mapped.slug) || taken.has(mapped.metric)) continue
    const value = jsonNumber(object[key])
    if (value === null) continue
    const celsius = mapped.fahrenheit || (inFahrenheit && CELSIUS_METRICS.has(mapped.metric))
    taken.add(mapped.metric)
    readings.push({ metric: mapped.metric, value: celsius ? fahrenheitToCelsius(value) : value })
  }
  const out: FlatJson = { readings }
  const claimed = object.ts ?? object.timestamp ?? object.time
  const ts = plausibleTs(claimed, receivedAt)
  if (ts !== undefined) out.ts = ts
  else if (deviceTimeMs(claimed) !== undefined) out.rejectedTs = deviceTimeMs(claimed)
  const seq = object.seq
  if (typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0) out.seq = seq
  return out
}

/** A parsed JSON object on an arbitrary topic → one device named after the topic. */
export function parseJsonObject(
  topic: string,
  object: Record<string, unknown>,
  receivedAt: number,
  format: SourceFormat = 'json',
): ParseOutcome {
  const flat = readFlatJson(object, receivedAt)
  if (flat.readings.length === 0) {
    return unparsed('no-numeric-fields', 'JSON object without numeric fields')
  }
  return parsed({ deviceId: deviceIdFromTopic(topic), format, ...flat })
}

/** Device and metric a bare value on `topic` belongs to. */
export function bareTarget(topic: string): { deviceId: string; metric: string } {
  const parent = parentTopic(topic)
  const mapped = metricForKey(lastLevel(topic))
  return {
    deviceId: deviceIdFromTopic(parent ?? topic),
    metric: parent === null || mapped === null ? 'value' : mapped.metric,
  }
}

/** A bare number (with an optional unit fitting the metric); null when the text is not one. */
export function parseBareNumber(topic: string, text: string): ParseOutcome | null {
  if (text.length > 64) return null
  const target = bareTarget(topic)
  const mapped = metricForKey(lastLevel(topic))
  const value = valueWithUnit(target.metric, text, mapped?.fahrenheit ?? false)
  if (value === 'non-finite') return unparsed('non-finite', `value is ${text.trim().slice(0, 20)}`)
  if (value === null) return null
  return parsed({
    deviceId: target.deviceId,
    format: 'number',
    readings: [{ metric: target.metric, value }],
  })
}

/** A JSON scalar that is not an object: numbers and numeric strings are bare numbers. */
export function parseJsonScalar(topic: string, value: unknown): ParseOutcome {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return unparsed('non-finite', 'number out of range')
  }
  const number = jsonNumber(value)
  if (number === null) {
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value
    return unparsed('unrecognised', `JSON ${kind} is not a reading`)
  }
  const target = bareTarget(topic)
  return parsed({
    deviceId: target.deviceId,
    format: 'number',
    readings: [{ metric: target.metric, value: number }],
  })
}

const STATUS_LEVELS = new Set(['status', 'availability', 'lwt'])

/** `online`/`offline` on `<device topic>/status|availability|LWT`; null otherwise. */
export function parseStatusWord(topic: string, text: string): ParseOutcome | null {
  const parent = parentTopic(topic)
  if (parent === null || !STATUS_LEVELS.has(lastLevel(topic).toLowerCase())) return null
  const online = presenceWord(text)
  if (online === null) return null
  return parsed({ deviceId: deviceIdFromTopic(parent), format: 'json', readings: [], online })
}
