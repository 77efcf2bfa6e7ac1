import type { AlertCondition, AlertRule, AlertTarget } from '@shared/contract/alerts'
import type { Device } from '@shared/contract/devices'
import {
  deltaToDisplay,
  displayUnit,
  formatMetricNumber,
  formatNumber,
  metricLabel,
  toDisplay,
  type TempUnit,
} from '../lib/units'

const withUnit = (text: string, unit: string): string => (unit === '' ? text : `${text} ${unit}`)

/** A metric value in the person's unit, with the unit. */
export function valueText(metric: string, value: number, unit: TempUnit): string {
  return withUnit(
    formatMetricNumber(metric, toDisplay(metric, value, unit)),
    displayUnit(metric, unit),
  )
}

/** A change (hysteresis, rate) in the person's unit: no offset for °F. */
export function deltaText(metric: string, value: number, unit: TempUnit): string {
  return withUnit(
    formatMetricNumber(metric, deltaToDisplay(metric, value, unit)),
    displayUnit(metric, unit),
  )
}

const minutes = (m: number): string =>
  m === 1 ? '1 minute' : `${formatNumber(m).replace(/[.,]0$/, '')} minutes`

export function conditionText(c: AlertCondition, unit: TempUnit): string {
  switch (c.type) {
    case 'threshold':
      return `${metricLabel(c.metric)} ${c.direction} ${valueText(c.metric, c.value, unit)} (clears ${deltaText(c.metric, c.hysteresis, unit)} past it)`
    case 'rate': {
      const way = c.direction === 'either' ? 'rising or falling' : c.direction
      return `${metricLabel(c.metric)} ${way} faster than ${deltaText(c.metric, c.perTenMin, unit)} per 10 min`
    }
    case 'offline':
      return `Offline for more than ${minutes(c.minutes)}`
    case 'stale':
      return `No readings for ${minutes(c.minutes)} (stale sensor)`
    case 'sensorError':
      return 'The device reports a sensor error'
  }
}

export function targetText(t: AlertTarget, devices: readonly Device[]): string {
  if (t.type === 'all') return 'All devices'
  if (t.type === 'device') return devices.find((d) => d.id === t.deviceId)?.name ?? t.deviceId
  return `All ${t.kind} devices`
}

export function ruleSummary(rule: AlertRule, devices: readonly Device[], unit: TempUnit): string {
  const parts = [conditionText(rule.condition, unit)]
  const level = rule.condition.type === 'threshold' || rule.condition.type === 'rate'
  if (level && rule.forMinutes > 0) parts.push(`for ${minutes(rule.forMinutes)}`)
  parts.push(`— ${targetText(rule.target, devices)}`)
  if (rule.quietHours) parts.push(`· quiet ${rule.quietHours.start}–${rule.quietHours.end}`)
  return parts.join(' ')
}

/** Kinds a rule can target: the formats and sensor models of known devices. */
export function knownKinds(devices: readonly Device[]): string[] {
  const kinds = new Set<string>()
  for (const d of devices) {
    kinds.add(d.format)
    if (d.info.sensor) kinds.add(d.info.sensor)
  }
  return [...kinds].sort((a, b) => a.localeCompare(b))
}
