/**
 * Byte-level guards shared by every parser: size cap, strict UTF-8, JSON with a depth cap,
 * a strict number grammar, metric names and unit conversion. Nothing here throws.
 */
import { FAHRENHEIT_ALIASES, METRIC_ALIASES } from './ecosystems/metric-names'
import type { ReportedInfo } from './types'

/** Payloads above this are not parsed at all (a DHT reading is < 100 bytes; HA configs < 4 KiB). */
export const MAX_PAYLOAD_BYTES = 64 * 1024
/** JSON nested deeper than this is refused before JSON.parse sees it. */
export const MAX_JSON_DEPTH = 16
/** At most this many metrics are taken from one message. */
export const MAX_METRICS = 32

const PREVIEW_BYTES = 120
const decoder = new TextDecoder('utf-8', { fatal: true })
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f\u2028\u2029]/g

export type Decoded =
  { ok: true; text: string } | { ok: false; reason: 'too-large' | 'binary'; detail: string }

/** Strict UTF-8 text without control characters (tab/CR/LF allowed), or why not. */
export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes.byteLength > MAX_PAYLOAD_BYTES) {
    return {
      ok: false,
      reason: 'too-large',
      detail: `${bytes.byteLength} bytes (limit ${MAX_PAYLOAD_BYTES})`,
    }
  }
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    return { ok: false, reason: 'binary', detail: 'not valid UTF-8' }
  }
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.exec(text)
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(2, '0')
    return {
      ok: false,
      reason: 'binary',
      detail: `control character 0x${code} at ${control.index}`,
    }
  }
  return { ok: true, text }
}

/** A short, printable preview of any payload: escaped text, or hex when it is not UTF-8. */
export function safePreview(bytes: Uint8Array): string {
  const head = bytes.subarray(0, PREVIEW_BYTES)
  const more = bytes.byteLength > PREVIEW_BYTES ? '…' : ''
  let text: string | null = null
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head)
  } catch {
    // A multi-byte character cut at the preview boundary is still text: retry without its tail.
    for (let cut = 1; cut <= 3 && text === null && head.byteLength > cut; cut++) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(
          head.subarray(0, head.byteLength - cut),
        )
      } catch {
        text = null
      }
    }
  }
  if (text !== null) {
    return (
      text.replace(UNPRINTABLE, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) + more
    )
  }
  const hex = Array.from(head.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join(' ')
  return `hex: ${hex}${bytes.byteLength > 48 ? ' …' : ''}`
}

/** Deepest `{`/`[` nesting outside strings; stops counting once past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 || c === 91) {
      depth++
      if (depth > max) max = depth
      if (max > limit) return max
    } else if (c === 125 || c === 93) depth--
  }
  return max
}

export type JsonResult =
  { ok: true; value: unknown } | { ok: false; reason: 'too-deep' | 'invalid-json'; detail: string }

/** JSON.parse behind a depth cap; never throws. */
export function parseJson(text: string): JsonResult {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    return {
      ok: false,
      reason: 'too-deep',
      detail: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (error) {
    return {
      ok: false,
      reason: 'invalid-json',
      detail: error instanceof Error ? error.message.slice(0, 120) : 'invalid JSON',
    }
  }
}

/** Does the text look like a JSON object or array (so a JSON failure is the right diagnosis)? */
export function looksLikeJson(text: string): boolean {
  const t = text.trimStart()
  return t.startsWith('{') || t.startsWith('[')
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i

export type NumberResult = { ok: true; value: number } | { ok: false; nonFinite: boolean }

/** Strict decimal number (what Python's `str(float)` / `format` print); NaN and ±inf are refused. */
export function parseNumber(text: string): NumberResult {
  const t = text.trim()
  if (NON_FINITE.test(t)) return { ok: false, nonFinite: true }
  if (!DECIMAL.test(t)) return { ok: false, nonFinite: false }
  const value = Number(t)
  return Number.isFinite(value) ? { ok: true, value } : { ok: false, nonFinite: true }
}

/** A JSON value as a number: finite numbers, or strings in the strict decimal grammar. */
export function jsonNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.length <= 32) {
    const n = parseNumber(value)
    return n.ok ? n.value : null
  }
  return null
}

/** `Some Key!` → `some_key`; null when nothing usable is left. */
export function slugMetric(key: string): string | null {
  const slug = key
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
  return slug === '' ? null : slug
}

export interface MetricForKey {
  readonly metric: string
  readonly fahrenheit: boolean
  /** The key as slugMetric made it (e.g. to check it against meta keys like `ts`). */
  readonly slug: string
}

/** Field names seen recently → their metric. Devices repeat the same few keys in every message. */
const metricCache = new Map<string, MetricForKey | null>()
const METRIC_CACHE_MAX = 4096

/** Maps a field name to its canonical metric name (ecosystems/metric-names.ts) and says whether its value is in °F (memoised: the same object for the same key). */
export function metricForKey(key: string): MetricForKey | null {
  const cached = metricCache.get(key)
  if (cached !== undefined) return cached
  const result = computeMetricForKey(key)
  // A flood of random field names must not grow memory: start over past the bound.
  if (metricCache.size >= METRIC_CACHE_MAX) metricCache.clear()
  metricCache.set(key, result)
  return result
}

function computeMetricForKey(key: string): MetricForKey | null {
  const slug = slugMetric(key)
  if (slug === null) return null
  if (Object.hasOwn(METRIC_ALIASES, slug))
    return { metric: METRIC_ALIASES[slug]!, fahrenheit: false, slug }
  if (Object.hasOwn(FAHRENHEIT_ALIASES, slug))
    return { metric: FAHRENHEIT_ALIASES[slug]!, fahrenheit: true, slug }
  return { metric: slug, fahrenheit: false, slug }
}

/** °F → °C, rounded to 0.01 so 70 °F is 21.11, not 21.111111111111. */
export function fahrenheitToCelsius(f: number): number {
  return Math.round((((f - 32) * 5) / 9) * 100) / 100
}

/** Earliest device timestamp we believe: an ESP32 without NTP counts from 2000-01-01. */
const EARLIEST_TS = Date.UTC(2020, 0, 1)
const MAX_FUTURE_MS = 24 * 3600 * 1000
/**
 * Oldest device time we accept, relative to arrival. A board replays its offline spool with
 * the times it measured (minutes to days old; the spool holds at most ~5,000 readings), but
 * a clock that was never set, or set from a stale RTC, is months or years off.
 */
export const MAX_PAST_MS = 30 * 24 * 3600 * 1000

/** A device-supplied time (epoch s, or ms when > 1e11) as epoch ms; undefined when not a number. */
export function deviceTimeMs(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  return Math.round(value > 1e11 ? value : value * 1000)
}

/**
 * A device-supplied time as epoch ms, or undefined when it is implausible (clock never set,
 * more than 30 days behind us or more than a day ahead): then arrival time is used.
 */
export function plausibleTs(value: unknown, receivedAt: number): number | undefined {
  const ms = deviceTimeMs(value)
  if (ms === undefined) return undefined
  return ms >= EARLIEST_TS && ms >= receivedAt - MAX_PAST_MS && ms <= receivedAt + MAX_FUTURE_MS
    ? ms
    : undefined
}

/** A short string field from JSON, trimmed and capped; null when absent or not a string. */
export function shortString(value: unknown, max = 64): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value).slice(0, max)
  if (typeof value !== 'string') return undefined
  const t = value.trim()
  return t === '' ? undefined : t.slice(0, max)
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * A presence message: `online` → true, `offline` → false (any case, trimmed, as Tasmota's
 * `Online`/`Offline` LWT), anything else → null. Our status, Last Wills and availability
 * topics of every ecosystem that uses these two words.
 */
export function presenceWord(text: string): boolean | null {
  const word = text.trim().toLowerCase()
  return word === 'online' ? true : word === 'offline' ? false : null
}

/**
 * What a device says about itself, in ReportedInfo's terms: for each field, the first of its
 * candidate values that shortString accepts (other ecosystems name the same facts differently,
 * e.g. ESPHome's `friendly_name` or else `name`). Fields with none are left out.
 */
export function pickInfo(candidates: {
  [K in Exclude<keyof ReportedInfo, 'rssi'>]?: readonly unknown[]
}): ReportedInfo {
  const info: ReportedInfo = {}
  for (const [key, values] of Object.entries(candidates) as [
    keyof typeof candidates,
    unknown[],
  ][]) {
    for (const value of values) {
      const text = shortString(value)
      if (text === undefined) continue
      info[key] = text
      break
    }
  }
  return info
}
