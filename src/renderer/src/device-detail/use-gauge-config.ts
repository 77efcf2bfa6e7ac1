import { metricInfo } from '@shared/metrics'
import { useStoredState } from '../lib/use-stored-state'

/** A gauge's scale and alert band, stored in the units readings use (°C, %RH, hPa…). */
export interface GaugeConfig {
  min: number
  max: number
  /** Values below `low` or above `high` are drawn in the alert colour; null = no band. */
  low: number | null
  high: number | null
}

/**
 * The catalog's scale and band (src/shared/metrics.ts); metrics it gives no scale get 0–100
 * with no band until the person sets one (the card shows them as a number tile until then).
 */
export function gaugeDefaults(metric: string): GaugeConfig {
  return metricInfo(metric).gauge ?? { min: 0, max: 100, low: null, high: null }
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
  metric: string,
): [GaugeConfig, (c: GaugeConfig) => void] {
  return useStoredState(`gauge.${deviceId}.${metric}`, gaugeDefaults(metric), isGaugeConfig)
}
