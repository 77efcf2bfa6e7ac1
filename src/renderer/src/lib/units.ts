import { metricInfo } from '@shared/metrics'

/** Temperatures are stored in °C; the person may read them in °F (settings.ui.units). */
export type TempUnit = 'C' | 'F'

export function toUnit(celsius: number, unit: TempUnit): number {
  return unit === 'F' ? (celsius * 9) / 5 + 32 : celsius
}

/** Inverse of toUnit, for thresholds the person types in their own unit. */
export function fromUnit(value: number, unit: TempUnit): number {
  return unit === 'F' ? ((value - 32) * 5) / 9 : value
}

/** A temperature delta (e.g. "report when it changes by 0.5 °C") in the person's unit. */
export function deltaToUnit(celsius: number, unit: TempUnit): number {
  return unit === 'F' ? (celsius * 9) / 5 : celsius
}

export function deltaFromUnit(value: number, unit: TempUnit): number {
  return unit === 'F' ? (value * 5) / 9 : value
}

export function unitLabel(unit: TempUnit): string {
  return unit === 'F' ? '°F' : '°C'
}

const oneDecimal = new Intl.NumberFormat(undefined, {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
})

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value)
    ? '–'
    : oneDecimal.format(value)
}

/** Readable label for any metric ("co2" → "CO₂", "soil_ph" → "Soil ph"). */
export function metricLabel(metric: string): string {
  return metricInfo(metric).label
}

/** A label inside a sentence: "Pressure" → "pressure", but acronyms stay ("CO₂", "PM2.5"). */
export function inSentence(label: string): string {
  const second = label.charAt(1)
  return second !== '' && second === second.toUpperCase() && second !== second.toLowerCase()
    ? label
    : label.charAt(0).toLowerCase() + label.slice(1)
}

/** Whether a metric is a temperature, so shown in the person's °C/°F. */
export function isTemperature(metric: string): boolean {
  return metricInfo(metric).quantity === 'temperature'
}

/** The unit a metric is shown in: the person's temperature unit, else the stored unit ('' if none). */
export function displayUnit(metric: string, unit: TempUnit): string {
  return isTemperature(metric) ? unitLabel(unit) : metricInfo(metric).unit
}

/**
 * The unit beside a number on gauges, charts and cards, where "%RH" is just "%" (forms and
 * rule texts keep displayUnit's "%RH").
 */
export function compactUnit(metric: string, unit: TempUnit): string {
  const shown = displayUnit(metric, unit)
  return shown === '%RH' ? '%' : shown
}

/** A stored value in the unit it is shown in. */
export function toDisplay(metric: string, value: number, unit: TempUnit): number {
  return isTemperature(metric) ? toUnit(value, unit) : value
}

/** A value the person typed, back in the stored unit. */
export function fromDisplay(metric: string, value: number, unit: TempUnit): number {
  return isTemperature(metric) ? fromUnit(value, unit) : value
}

/** A difference (hysteresis, rate) in the unit it is shown in. */
export function deltaToDisplay(metric: string, value: number, unit: TempUnit): number {
  return isTemperature(metric) ? deltaToUnit(value, unit) : value
}

export function deltaFromDisplay(metric: string, value: number, unit: TempUnit): number {
  return isTemperature(metric) ? deltaFromUnit(value, unit) : value
}

/** "21.4 °C", "1013.2 hPa", "87 %", "0.43" — the catalog's precision and unit. */
export function formatMetric(
  metric: string,
  value: number | null | undefined,
  unit: TempUnit,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  const text = formatMetricNumber(metric, toDisplay(metric, value, unit))
  const shown = compactUnit(metric, unit)
  return shown === '' ? text : `${text} ${shown}`
}

/** A number already in display units, with the catalog's precision for that metric. */
export function formatMetricNumber(metric: string, displayValue: number): string {
  return formatterFor(metricInfo(metric).decimals).format(displayValue)
}

const formatters = new Map<number, Intl.NumberFormat>()

/** Cached: the device grid formats thousands of values per second. */
function formatterFor(digits: number): Intl.NumberFormat {
  let f = formatters.get(digits)
  if (!f) {
    f = new Intl.NumberFormat(undefined, {
      minimumFractionDigits: Math.min(digits, 1),
      maximumFractionDigits: digits,
    })
    formatters.set(digits, f)
  }
  return f
}
