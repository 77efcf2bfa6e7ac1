import type { AlertCondition, AlertIncident, QuietHours } from '../../../shared/contract/alerts'
import { metricInfo } from '../../../shared/metrics'

/** Formats a metric's value for people (°C or °F, %RH, the catalog's unit for other metrics). */
export interface ValueFormat {
  value(metric: string, value: number): string
  /** A change (rate): no offset for °F, only the scale. */
  delta(metric: string, value: number): string
}

const round = (v: number, digits: number): string => {
  const text = v.toFixed(digits)
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

export function valueFormat(units: () => 'C' | 'F'): ValueFormat {
  const text = (metric: string, v: number, digits: number, offset: boolean): string => {
    const info = metricInfo(metric)
    if (info.quantity === 'temperature' && units() === 'F')
      return `${round((v * 9) / 5 + (offset ? 32 : 0), digits)} °F`
    const shown = round(v, info.unit === '' ? 3 : digits)
    return info.unit === '' ? shown : `${shown} ${info.unit}`
  }
  return {
    value: (metric, v) => text(metric, v, Math.max(1, metricInfo(metric).decimals), true),
    delta: (metric, v) => text(metric, v, Math.max(2, metricInfo(metric).decimals), false),
  }
}

const minutes = (m: number): string =>
  m >= 120 && m % 60 === 0 ? `${m / 60} h` : m >= 1 ? `${round(m, 1)} min` : `${round(m * 60, 0)} s`

/** Why a rule fired, as one sentence naming the device. */
export function firedMessage(
  condition: AlertCondition,
  device: string,
  value: number | null,
  format: ValueFormat,
  detail?: string,
): string {
  switch (condition.type) {
    case 'threshold':
      return `${device}: ${condition.metric} ${format.value(condition.metric, value ?? Number.NaN)} is ${condition.direction} ${format.value(condition.metric, condition.value)}`
    case 'rate': {
      const v = value ?? 0
      const way = v >= 0 ? 'rising' : 'falling'
      return `${device}: ${condition.metric} ${way} ${format.delta(condition.metric, Math.abs(v))} per 10 min (limit ${format.delta(condition.metric, condition.perTenMin)})`
    }
    case 'offline':
      return `${device} has been offline for ${minutes(value ?? condition.minutes)}`
    case 'stale':
      return `${device}: no readings for ${minutes(value ?? condition.minutes)}`
    case 'sensorError':
      return `${device} reported an error${detail ? `: ${detail}` : ''}`
  }
}

/** The notification text for a fired or cleared incident. */
export function noticeText(
  incident: AlertIncident,
  state: 'fired' | 'cleared',
  reason?: string,
): { title: string; body: string } {
  if (state === 'fired') return { title: `⚠ ${incident.ruleName}`, body: incident.message }
  return {
    title: `✓ Cleared: ${incident.ruleName}`,
    body: reason ? `${incident.deviceName}: ${reason}` : `${incident.deviceName} is back to normal`,
  }
}

/** Is `minuteOfDay` (0–1439, local time) inside the window? The window may wrap midnight. */
export function inQuietHours(quiet: QuietHours | null, minuteOfDay: number): boolean {
  if (quiet === null) return false
  const toMin = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
  const start = toMin(quiet.start)
  const end = toMin(quiet.end)
  if (start === end) return false
  return start < end
    ? minuteOfDay >= start && minuteOfDay < end
    : minuteOfDay >= start || minuteOfDay < end
}

/** Minutes since local midnight (the person's quiet hours are in wall-clock time). */
export function localMinuteOfDay(ms: number): number {
  const d = new Date(ms)
  return d.getHours() * 60 + d.getMinutes()
}
