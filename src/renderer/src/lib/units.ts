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

export function formatTemp(celsius: number | null | undefined, unit: TempUnit): string {
  if (celsius === null || celsius === undefined) return '–'
  return `${formatNumber(toUnit(celsius, unit))} ${unitLabel(unit)}`
}

export function formatHumidity(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–'
  return `${formatNumber(value)} %`
}

/** Readable label for a metric that is neither temperature nor humidity. */
export function metricLabel(metric: string): string {
  if (metric === 'temperature') return 'Temperature'
  if (metric === 'humidity') return 'Humidity'
  const words = metric.replace(/_/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
