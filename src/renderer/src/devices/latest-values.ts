import type { Device, LatestValue } from '@shared/contract/devices'
import { sortMetrics } from '@shared/metrics'
import { formatMetric, metricLabel, type TempUnit } from '../lib/units'

export interface ShownValue {
  metric: string
  label: string
  text: string
  latest: LatestValue | undefined
}

/**
 * The values a card or table row shows: temperature and humidity for sensors that have them
 * (both slots always present so cards line up) plus, as a third, smaller value, what else the
 * device is about (see {@link extraMetric}); otherwise the first two metrics the device
 * measures (housekeeping such as battery or link quality only when nothing else). A table
 * row shows the first two.
 */
export function shownValues(device: Device, unit: TempUnit): ShownValue[] {
  if (hasClimate(device)) {
    const extra = extraMetric(Object.keys(device.latest))
    return [
      valueOf(device, 'temperature', unit),
      valueOf(device, 'humidity', unit),
      ...(extra === undefined ? [] : [valueOf(device, extra, unit)]),
    ]
  }
  return byHeadline(Object.keys(device.latest))
    .slice(0, 2)
    .map((metric) => valueOf(device, metric, unit))
}

function valueOf(device: Device, metric: string, unit: TempUnit): ShownValue {
  const latest = device.latest[metric]
  return {
    metric,
    label: metricLabel(metric),
    text: formatMetric(metric, latest?.value, unit),
    latest,
  }
}

/**
 * Air quality is what a sensor that also reads temperature and humidity is bought for, so it
 * wins over whatever comes first in the catalog (e.g. a BME680's pressure).
 */
const AIR_QUALITY = ['co2', 'pm25', 'pm10', 'voc'] as const

/** Computed from temperature and humidity, so it says nothing new about the device. */
const DERIVED: ReadonlySet<string> = new Set(['dew_point'])

/**
 * A climate sensor's third value: air quality first, then the first other metric it
 * measures in catalog order; never housekeeping or a derived value.
 */
function extraMetric(sent: string[]): string | undefined {
  const air = AIR_QUALITY.find((m) => sent.includes(m))
  if (air !== undefined) return air
  return byHeadline(sent).find(
    (m) => m !== 'temperature' && m !== 'humidity' && !HOUSEKEEPING.has(m) && !DERIVED.has(m),
  )
}

/**
 * Readings about the device itself (its battery, supply, radio) rather than what it measures:
 * a plug is read by its power and energy, not its mains voltage or link quality.
 */
const HOUSEKEEPING: ReadonlySet<string> = new Set([
  'battery',
  'voltage',
  'current',
  'linkquality',
  'rssi',
])

/** sortMetrics, with housekeeping readings after what the device measures. */
function byHeadline(metrics: Iterable<string>): string[] {
  const sorted = sortMetrics(metrics)
  return [
    ...sorted.filter((m) => !HOUSEKEEPING.has(m)),
    ...sorted.filter((m) => HOUSEKEEPING.has(m)),
  ]
}

/** Boards that are DHT sensors until they say otherwise: ours and the seed tutorial's. */
const DHT_BOARDS: ReadonlySet<Device['format']> = new Set(['ours', 'seed'])

/**
 * A climate sensor, or one of our boards that has sent nothing yet (they are DHT sensors).
 * Anything else that has sent no reading (a gateway's Last Will, a plug that only said
 * `online`) is not assumed to measure temperature.
 */
export function hasClimate(device: Device): boolean {
  const { latest } = device
  if ('temperature' in latest || 'humidity' in latest) return true
  return Object.keys(latest).length === 0 && DHT_BOARDS.has(device.format)
}

/**
 * Every metric the device detail shows, in reading order: temperature and humidity always
 * for climate sensors (so a silent DHT board still shows its two gauges), then whatever else
 * the device sends.
 */
export function deviceMetrics(device: Device): string[] {
  const sent = Object.keys(device.latest)
  return byHeadline(hasClimate(device) ? ['temperature', 'humidity', ...sent] : sent)
}

/** When the device last sent a value (or anything at all). */
export function lastUpdate(device: Device): number | null {
  let ts = device.lastSeen
  for (const value of Object.values(device.latest)) ts = Math.max(ts ?? 0, value.ts)
  return ts
}
