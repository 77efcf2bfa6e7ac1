import { useStoredState } from '../lib/use-stored-state'

/** A gauge's scale and alert band, stored in the units readings use (°C, %RH). */
export interface GaugeConfig {
  min: number
  max: number
  /** Values below `low` or above `high` are drawn in the alert colour; null = no band. */
  low: number | null
  high: number | null
}

export type GaugeMetric = 'temperature' | 'humidity'

export const GAUGE_DEFAULTS: Record<GaugeMetric, GaugeConfig> = {
  temperature: { min: -10, max: 50, low: 10, high: 30 },
  humidity: { min: 0, max: 100, low: 30, high: 70 },
}

const isNumOrNull = (v: unknown): boolean =>
  v === null || (typeof v === 'number' && Number.isFinite(v))

function isGaugeConfig(v: unknown): v is GaugeConfig {
  if (typeof v !== 'object' || v === null) return false
  const c = v as Record<string, unknown>
  return (
    typeof c.min === 'number' &&
    typeof c.max === 'number' &&
    c.max > c.min &&
    isNumOrNull(c.low) &&
    isNumOrNull(c.high)
  )
}

/** Per device and metric, kept in this window's storage: a view preference, not device state. */
export function useGaugeConfig(
  deviceId: string,
  metric: GaugeMetric,
): [GaugeConfig, (c: GaugeConfig) => void] {
  return useStoredState(`gauge.${deviceId}.${metric}`, GAUGE_DEFAULTS[metric], isGaugeConfig)
}
