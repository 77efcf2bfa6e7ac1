/**
 * What each metric is, as data: its name for people, the unit it is stored in, how to draw
 * it. One table for the whole app (cards, gauges, charts, alert forms and texts, CSV headers);
 * the ecosystem parsers normalise device field names to these keys.
 * A metric not listed here is still stored, charted and alertable, shown by its own name
 * with no unit.
 */

/** Physical quantity: temperatures follow the person's °C/°F choice, everything else is shown as stored. */
export type Quantity = 'temperature' | 'other'

export interface MetricInfo {
  /** Name for people, e.g. "CO₂". */
  label: string
  /** Unit the value is stored in ('' when it has none). */
  unit: string
  /** Digits after the decimal point worth showing. */
  decimals: number
  quantity: Quantity
  /**
   * Gauge scale and a default "normal" band (alert colours outside it). Absent: shown as a
   * number tile, not a ring: a scale would be a guess.
   */
  gauge?: { min: number; max: number; low: number | null; high: number | null }
}

const T = 'temperature' as const
const O = 'other' as const

export const METRICS: Readonly<Record<string, MetricInfo>> = {
  temperature: {
    label: 'Temperature',
    unit: '°C',
    decimals: 1,
    quantity: T,
    gauge: { min: -10, max: 50, low: 10, high: 30 },
  },
  humidity: {
    label: 'Humidity',
    unit: '%RH',
    decimals: 1,
    quantity: O,
    gauge: { min: 0, max: 100, low: 30, high: 70 },
  },
  dew_point: {
    label: 'Dew point',
    unit: '°C',
    decimals: 1,
    quantity: T,
    gauge: { min: -20, max: 40, low: null, high: 18 },
  },
  pressure: {
    label: 'Pressure',
    unit: 'hPa',
    decimals: 1,
    quantity: O,
    gauge: { min: 950, max: 1050, low: null, high: null },
  },
  battery: {
    label: 'Battery',
    unit: '%',
    decimals: 0,
    quantity: O,
    gauge: { min: 0, max: 100, low: 20, high: null },
  },
  voltage: { label: 'Voltage', unit: 'V', decimals: 2, quantity: O },
  current: { label: 'Current', unit: 'A', decimals: 2, quantity: O },
  power: { label: 'Power', unit: 'W', decimals: 1, quantity: O },
  energy: { label: 'Energy', unit: 'kWh', decimals: 3, quantity: O },
  co2: {
    label: 'CO₂',
    unit: 'ppm',
    decimals: 0,
    quantity: O,
    gauge: { min: 400, max: 2000, low: null, high: 1000 },
  },
  illuminance: {
    label: 'Illuminance',
    unit: 'lx',
    decimals: 0,
    quantity: O,
  },
  linkquality: {
    label: 'Link quality',
    unit: 'lqi',
    decimals: 0,
    quantity: O,
    gauge: { min: 0, max: 255, low: 40, high: null },
  },
  rssi: {
    label: 'Signal',
    unit: 'dBm',
    decimals: 0,
    quantity: O,
    gauge: { min: -100, max: -30, low: -80, high: null },
  },
  pm25: {
    label: 'PM2.5',
    unit: 'µg/m³',
    decimals: 0,
    quantity: O,
    gauge: { min: 0, max: 100, low: null, high: 25 },
  },
  pm10: {
    label: 'PM10',
    unit: 'µg/m³',
    decimals: 0,
    quantity: O,
    gauge: { min: 0, max: 150, low: null, high: 50 },
  },
  voc: {
    label: 'VOC',
    unit: 'ppb',
    decimals: 0,
    quantity: O,
  },
  moisture: {
    label: 'Soil moisture',
    unit: '%',
    decimals: 0,
    quantity: O,
    gauge: { min: 0, max: 100, low: 20, high: null },
  },
}

/** The catalog entry, or a plain description built from the name for metrics nobody listed. */
export function metricInfo(metric: string): MetricInfo {
  if (Object.hasOwn(METRICS, metric)) return METRICS[metric] as MetricInfo
  const words = metric.replace(/_/g, ' ')
  return {
    label: words.charAt(0).toUpperCase() + words.slice(1),
    unit: '',
    decimals: 2,
    quantity: O,
  }
}

/** The unit a metric is stored in, or null when it has none (CSV headers, line protocol docs). */
export function storedUnit(metric: string): string | null {
  const unit = metricInfo(metric).unit
  return unit === '' ? null : unit
}

/**
 * Metrics in the order people expect to read them: temperature and humidity first, then the
 * catalog's order, then anything else alphabetically.
 */
export function sortMetrics(metrics: Iterable<string>): string[] {
  const order = Object.keys(METRICS)
  const rank = (m: string): number => {
    const i = order.indexOf(m)
    return i === -1 ? order.length : i
  }
  return [...new Set(metrics)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}
