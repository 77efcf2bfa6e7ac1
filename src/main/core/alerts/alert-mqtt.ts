import type { AlertIncident } from '../../../shared/contract/alerts'
import type { StoredRule } from './rule-store'

/** `<prefix>/alerts/<rule id>`: one retained message per rule with its current state. */
export function alertTopic(prefix: string, ruleId: string): string {
  return `${prefix}/alerts/${ruleId}`
}

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * The retained state of a rule: `firing` while any device is in alarm, with the list of
 * those devices, plus the change that caused this message. Deliberately no numbers at the
 * top level, so generic "JSON object with numeric fields" parsers never take it for a sensor.
 */
export function alertStatePayload(
  rule: StoredRule,
  active: readonly AlertIncident[],
  change: { event: 'fired' | 'cleared'; incident: AlertIncident; reason?: string },
  now: number,
): string {
  return JSON.stringify({
    rule: rule.id,
    name: rule.name,
    state: active.length > 0 ? 'firing' : 'ok',
    active: active.map((i) => ({
      device: i.deviceId,
      deviceName: i.deviceName,
      since: iso(i.firedAt),
      value: i.value,
      message: i.message,
    })),
    last: {
      event: change.event,
      device: change.incident.deviceId,
      at: iso(
        change.event === 'fired' ? change.incident.firedAt : (change.incident.clearedAt ?? now),
      ),
      message: change.event === 'fired' ? change.incident.message : (change.reason ?? 'cleared'),
      // The value that made it fire, when there is one (telegraf.conf writes it as `value`).
      ...(change.incident.value !== null ? { value: change.incident.value } : {}),
    },
    updatedAt: iso(now),
  })
}
