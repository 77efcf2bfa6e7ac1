import { storedUnit } from '../../../shared/metrics'

/** Units readings are stored in (src/shared/metrics.ts); null for metrics with none. */
export function unitOf(metric: string): string | null {
  return storedUnit(metric)
}

/** Column header with the unit, e.g. `temperature (°C)`. */
export function metricHeader(metric: string): string {
  const unit = unitOf(metric)
  return unit === null ? metric : `${metric} (${unit})`
}
