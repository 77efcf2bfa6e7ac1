/** Median and spread of repeated measurements, and the formatting of one printed bench line. */
import type { BenchLine } from './bench-types'

export interface Summary {
  /** Median: the middle value, or the mean of the two middle values for an even count. */
  value: number
  /** [min, max], only when there was more than one measurement. */
  spread?: [number, number]
}

/**
 * Median and [min, max] of the finite values. NaN when there are none (every repetition
 * failed to produce a number): a bench reports that rather than failing on it.
 */
export function summarize(values: readonly number[]): Summary {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return { value: NaN }
  const mid = sorted.length >> 1
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return sorted.length > 1 ? { value, spread: [sorted[0]!, sorted.at(-1)!] } : { value }
}

/**
 * A result line from repeated measurements of the app and, optionally, of its baseline
 * measured in the same run: the ratio is app median ÷ baseline median (bench-types.ts).
 */
export function line(
  name: string,
  unit: string,
  values: readonly number[],
  baseline?: { name: string; values: readonly number[] },
  extra?: Record<string, unknown>,
): BenchLine {
  const own = summarize(values)
  const out: BenchLine = { name, value: own.value, unit }
  if (own.spread) out.spread = own.spread
  if (baseline && baseline.values.some(Number.isFinite)) {
    const base = summarize(baseline.values)
    out.baseline = { name: baseline.name, value: base.value }
    if (base.value !== 0 && Number.isFinite(own.value)) out.ratio = own.value / base.value
  }
  if (extra) out.extra = extra
  return out
}

/** 1234567 → "1,234,567"; 0.04567 → "0.0457": integers past 100, three significant digits below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US')
  return Number(value.toPrecision(3)).toString()
}

/** `name: value unit [min–max] (ratio X vs BASELINE value unit)`: the line `npm run bench` prints. */
export function formatLine(l: BenchLine): string {
  let text = `${l.name}: ${formatNumber(l.value)} ${l.unit}`
  if (l.spread) text += ` [${formatNumber(l.spread[0])}–${formatNumber(l.spread[1])}]`
  if (l.baseline) {
    const ratio = l.ratio === undefined ? 'n/a' : formatNumber(l.ratio)
    text += ` (ratio ${ratio} vs ${l.baseline.name} ${formatNumber(l.baseline.value)} ${l.unit})`
  }
  return text
}
