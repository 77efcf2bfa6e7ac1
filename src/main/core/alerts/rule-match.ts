import type { AlertCondition, AlertTarget } from '../../../shared/contract/alerts'

export type LevelCondition = Extract<AlertCondition, { type: 'threshold' | 'rate' }>

/** The fields of a device a rule's target looks at. */
export interface TargetableDevice {
  id: string
  format: string
  info: { sensor: string | null }
}

/** Does the rule watch this device? `kind` matches the format (`ours`, `tasmota`…) or sensor model (`DHT22`). */
export function appliesTo(rule: { target: AlertTarget }, device: TargetableDevice): boolean {
  const t = rule.target
  if (t.type === 'all') return true
  if (t.type === 'device') return t.deviceId === device.id
  const kind = t.kind.toLowerCase()
  return device.format.toLowerCase() === kind || device.info.sensor?.toLowerCase() === kind
}

export function isLevelRule(c: AlertCondition): c is LevelCondition {
  return c.type === 'threshold' || c.type === 'rate'
}

/**
 * `breach`: the value is past the limit (starts the `for` timer, or fires).
 * `recovered`: it is back on the safe side by at least the hysteresis (clears).
 * Between the two nothing changes: that band is what stops flapping.
 */
export function levelCheck(
  c: LevelCondition,
  value: number,
): { breach: boolean; recovered: boolean } {
  if (c.type === 'threshold') {
    return c.direction === 'above'
      ? { breach: value > c.value, recovered: value <= c.value - c.hysteresis }
      : { breach: value < c.value, recovered: value >= c.value + c.hysteresis }
  }
  const limit = c.perTenMin
  const back = Math.max(0, limit - c.hysteresis)
  switch (c.direction) {
    case 'rising':
      return { breach: value >= limit, recovered: value <= back }
    case 'falling':
      return { breach: value <= -limit, recovered: value >= -back }
    case 'either':
      return { breach: Math.abs(value) >= limit, recovered: Math.abs(value) <= back }
  }
}
