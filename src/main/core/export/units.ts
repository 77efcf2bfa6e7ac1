/** Units readings are stored in (DESIGN.md: °C, %RH); other metrics are as the device sent them. */
export const METRIC_UNITS: Readonly<Record<string, string>> = {
  temperature: '°C',
  humidity: '%RH',
}

export function unitOf(metric: string): string | null {
  return METRIC_UNITS[metric] ?? null
}

/** Column header with the unit, e.g. `temperature (°C)`. */
export function metricHeader(metric: string): string {
  const unit = unitOf(metric)
  return unit === null ? metric : `${metric} (${unit})`
}
