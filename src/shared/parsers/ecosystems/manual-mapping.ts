/**
 * Topics a person mapped to a device and metric by hand (from the Topics screen), for
 * formats no rule knows. The payload must be a number (`21.5`, `21.5 °C`), text with exactly
 * one number in it (`23.4 degC`), a JSON number or numeric string, or a JSON object whose
 * `field` holds one.
 */
import { valueWithUnit } from '../seed'
import { isPlainObject, jsonNumber, looksLikeJson, parseJson } from '../text'
import { parsed, unparsed, type ParseOutcome } from '../types'

export interface TopicMapping {
  /** Exact topic (no wildcards). */
  topic: string
  deviceId: string
  /** Canonical metric name (`temperature`) or any `[a-z0-9_]` name. */
  metric: string
  /** For JSON object payloads: the top-level field holding the value. */
  field?: string
}

export function parseMapped(mapping: TopicMapping, text: string): ParseOutcome {
  const value = mappedValue(mapping, text)
  if (typeof value === 'string') return unparsed('unrecognised', `mapped topic: ${value}`)
  return parsed({
    deviceId: mapping.deviceId,
    format: 'mapped',
    readings: [{ metric: mapping.metric, value }],
  })
}

/** The value, or why there is none. */
function mappedValue(mapping: TopicMapping, text: string): number | string {
  const trimmed = text.trim()
  if (trimmed === '') return 'empty payload'
  if (looksLikeJson(trimmed) || trimmed.startsWith('"')) {
    const json = parseJson(trimmed)
    if (!json.ok) return json.detail
    if (isPlainObject(json.value)) {
      if (mapping.field === undefined) return 'a JSON object needs a field to read'
      const raw = Object.hasOwn(json.value, mapping.field) ? json.value[mapping.field] : undefined
      return jsonNumber(raw) ?? `field "${mapping.field}" is not a number`
    }
    return jsonNumber(json.value) ?? 'JSON value is not a number'
  }
  const value = valueWithUnit(mapping.metric, trimmed)
  if (value === 'non-finite') return `value is ${trimmed.slice(0, 20)}`
  return value ?? onlyNumberIn(trimmed)
}

const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/g

/**
 * A person mapped this topic because its format is odd (`23.4 degC`, `T:+023.4`): the one
 * number in it is the value. Two or more numbers are ambiguous, so none is taken.
 */
function onlyNumberIn(text: string): number | string {
  if (text.length > 256) return 'payload is not a number'
  const found = text.match(NUMBER) ?? []
  if (found.length === 0) return 'payload has no number'
  if (found.length > 1) return `payload has ${found.length} numbers; map a JSON field instead`
  const value = Number(found[0])
  return Number.isFinite(value) ? value : 'number out of range'
}
