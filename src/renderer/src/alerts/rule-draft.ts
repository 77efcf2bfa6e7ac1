import type { AlertConditionType, AlertRule, AlertRuleInput } from '@shared/contract/alerts'
import {
  deltaFromUnit,
  deltaToUnit,
  fromUnit,
  isTemperature,
  type TempUnit,
  toUnit,
} from '../lib/units'

/** The rule editor's state: numbers stay text until saved, temperatures are in the person's unit. */
export interface RuleDraft {
  name: string
  enabled: boolean
  targetType: 'all' | 'device' | 'kind'
  deviceId: string
  kind: string
  type: AlertConditionType
  metric: string
  direction: 'above' | 'below'
  rateDirection: 'rising' | 'falling' | 'either'
  value: string
  hysteresis: string
  perTenMin: string
  minutes: string
  forMinutes: string
  quiet: boolean
  quietStart: string
  quietEnd: string
  notify: boolean
  mqtt: boolean
  webhook: boolean
  webhookUrl: string
  /** Empty = keep the stored token (when there is one). */
  webhookToken: string
  hasToken: boolean
  removeToken: boolean
}

const num = (v: number): string => String(Math.round(v * 100) / 100)

export function newDraft(unit: TempUnit): RuleDraft {
  return {
    name: '',
    enabled: true,
    targetType: 'all',
    deviceId: '',
    kind: '',
    type: 'threshold',
    metric: 'temperature',
    direction: 'above',
    rateDirection: 'rising',
    value: num(toUnit(28, unit)),
    hysteresis: num(deltaToUnit(0.5, unit)),
    perTenMin: num(deltaToUnit(1, unit)),
    minutes: '10',
    forMinutes: '0',
    quiet: false,
    quietStart: '22:00',
    quietEnd: '07:00',
    notify: true,
    mqtt: false,
    webhook: false,
    webhookUrl: '',
    webhookToken: '',
    hasToken: false,
    removeToken: false,
  }
}

const isTemp = isTemperature

export function draftFrom(rule: AlertRule, unit: TempUnit): RuleDraft {
  const d = newDraft(unit)
  const c = rule.condition
  d.name = rule.name
  d.enabled = rule.enabled
  d.targetType = rule.target.type
  if (rule.target.type === 'device') d.deviceId = rule.target.deviceId
  if (rule.target.type === 'kind') d.kind = rule.target.kind
  d.type = c.type
  if (c.type === 'threshold') {
    d.metric = c.metric
    d.direction = c.direction
    d.value = num(isTemp(c.metric) ? toUnit(c.value, unit) : c.value)
    d.hysteresis = num(isTemp(c.metric) ? deltaToUnit(c.hysteresis, unit) : c.hysteresis)
  } else if (c.type === 'rate') {
    d.metric = c.metric
    d.rateDirection = c.direction
    d.perTenMin = num(isTemp(c.metric) ? deltaToUnit(c.perTenMin, unit) : c.perTenMin)
    d.hysteresis = num(isTemp(c.metric) ? deltaToUnit(c.hysteresis, unit) : c.hysteresis)
  } else if (c.type === 'offline' || c.type === 'stale') d.minutes = num(c.minutes)
  d.forMinutes = num(rule.forMinutes)
  d.quiet = rule.quietHours !== null
  if (rule.quietHours) {
    d.quietStart = rule.quietHours.start
    d.quietEnd = rule.quietHours.end
  }
  d.notify = rule.actions.notify
  d.mqtt = rule.actions.mqtt
  d.webhook = rule.actions.webhook !== null
  d.webhookUrl = rule.actions.webhook?.url ?? ''
  d.hasToken = rule.actions.webhook?.hasToken ?? false
  return d
}

function number(text: string, label: string): number {
  const value = Number(text.replace(',', '.'))
  if (text.trim() === '' || !Number.isFinite(value)) throw new Error(`${label}: enter a number.`)
  return value
}

/** The contract input for a draft; throws an Error naming the field when a number is missing. */
export function draftToInput(d: RuleDraft, unit: TempUnit): AlertRuleInput {
  const temp = isTemp(d.metric)
  const value = (text: string, label: string): number => {
    const v = number(text, label)
    return temp ? fromUnit(v, unit) : v
  }
  const delta = (text: string, label: string): number => {
    const v = number(text, label)
    return temp ? deltaFromUnit(v, unit) : v
  }
  const condition: AlertRuleInput['condition'] =
    d.type === 'threshold'
      ? {
          type: 'threshold',
          metric: d.metric,
          direction: d.direction,
          value: value(d.value, 'Limit'),
          hysteresis: delta(d.hysteresis, 'Hysteresis'),
        }
      : d.type === 'rate'
        ? {
            type: 'rate',
            metric: d.metric,
            direction: d.rateDirection,
            perTenMin: delta(d.perTenMin, 'Rate'),
            hysteresis: delta(d.hysteresis, 'Hysteresis'),
          }
        : d.type === 'offline' || d.type === 'stale'
          ? { type: d.type, minutes: number(d.minutes, 'Minutes') }
          : { type: 'sensorError' }
  const target: AlertRuleInput['target'] =
    d.targetType === 'device'
      ? { type: 'device', deviceId: d.deviceId }
      : d.targetType === 'kind'
        ? { type: 'kind', kind: d.kind }
        : { type: 'all' }
  const token = d.removeToken ? null : d.webhookToken === '' ? undefined : d.webhookToken
  return {
    name: d.name,
    enabled: d.enabled,
    target,
    condition,
    forMinutes: d.type === 'threshold' || d.type === 'rate' ? number(d.forMinutes, 'For') : 0,
    quietHours: d.quiet ? { start: d.quietStart, end: d.quietEnd } : null,
    actions: {
      notify: d.notify,
      mqtt: d.mqtt,
      webhook: d.webhook
        ? { url: d.webhookUrl.trim(), ...(token === undefined ? {} : { token }) }
        : null,
    },
  }
}
