export const RANGES = [
  { value: '1h', label: '1 h', ms: 3_600_000, refreshMs: 30_000 },
  { value: '24h', label: '24 h', ms: 86_400_000, refreshMs: 300_000 },
  { value: '7d', label: '7 d', ms: 7 * 86_400_000, refreshMs: 0 },
  { value: '30d', label: '30 d', ms: 30 * 86_400_000, refreshMs: 0 },
  { value: 'custom', label: 'Custom', ms: 0, refreshMs: 0 },
] as const
export type RangeKey = (typeof RANGES)[number]['value']

export interface TimeRange {
  from: number
  to: number
}

/** The absolute window of a preset ending now, or the custom one. */
export function resolveRange(key: RangeKey, custom: TimeRange, now: number): TimeRange {
  const preset = RANGES.find((r) => r.value === key)
  if (!preset || preset.value === 'custom') return custom
  return { from: now - preset.ms, to: now }
}

export function refreshInterval(key: RangeKey): number {
  return RANGES.find((r) => r.value === key)?.refreshMs ?? 0
}
