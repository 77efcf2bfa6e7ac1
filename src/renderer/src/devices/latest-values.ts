import type { Device, LatestValue } from '@shared/contract/devices'
import { formatHumidity, formatNumber, formatTemp, metricLabel, type TempUnit } from '../lib/units'

export interface ShownValue {
  metric: string
  label: string
  text: string
  latest: LatestValue | undefined
}

/**
 * The two values a card shows: temperature and humidity for sensors that have them (both
 * slots always present so cards line up), otherwise the first two metrics the device sends.
 */
export function shownValues(device: Device, unit: TempUnit): ShownValue[] {
  const { latest } = device
  const hasClimate =
    'temperature' in latest || 'humidity' in latest || Object.keys(latest).length === 0
  if (hasClimate) {
    return [
      {
        metric: 'temperature',
        label: 'Temperature',
        text: formatTemp(latest.temperature?.value, unit),
        latest: latest.temperature,
      },
      {
        metric: 'humidity',
        label: 'Humidity',
        text: formatHumidity(latest.humidity?.value),
        latest: latest.humidity,
      },
    ]
  }
  return Object.keys(latest)
    .sort()
    .slice(0, 2)
    .map((metric) => ({
      metric,
      label: metricLabel(metric),
      text: formatNumber(latest[metric]?.value),
      latest: latest[metric],
    }))
}

/** When the device last sent a value (or anything at all). */
export function lastUpdate(device: Device): number | null {
  let ts = device.lastSeen
  for (const value of Object.values(device.latest)) ts = Math.max(ts ?? 0, value.ts)
  return ts
}
