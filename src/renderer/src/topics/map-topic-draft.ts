import type { TopicMapping } from '@shared/contract/ingest'
import { METRICS } from '@shared/metrics'
import { metricForKey } from '@shared/parsers/text'
import { deviceIdFromTopic, lastLevel, parentTopic } from '@shared/topics'

export interface MappingDraft {
  deviceId: string
  metric: string
  /** '' when the payload is not a JSON object. */
  field: string
}

/** The payload's top-level fields holding a number, when it is a JSON object; else []. */
export function numericFields(payload: string): string[] {
  try {
    const value: unknown = JSON.parse(payload)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return []
    return Object.entries(value)
      .filter(
        ([, v]) =>
          typeof v === 'number' ||
          (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))),
      )
      .map(([k]) => k)
      .slice(0, 50)
  } catch {
    return []
  }
}

/**
 * A first guess a person can accept or change: the device named after the topic's parent
 * (as the app names devices it does not know), the metric after its last level when that
 * is a known one (`…/temperature` → temperature), the first numeric JSON field.
 */
export function suggestMapping(
  topic: string,
  payload: string,
  existing?: TopicMapping,
): MappingDraft {
  if (existing)
    return { deviceId: existing.deviceId, metric: existing.metric, field: existing.field ?? '' }
  const fields = numericFields(payload)
  const fromTopic = metricForKey(lastLevel(topic))?.metric
  const fromField = fields[0] === undefined ? undefined : metricForKey(fields[0])?.metric
  const metric = [fromTopic, fromField].find((m) => m !== undefined && Object.hasOwn(METRICS, m))
  return {
    deviceId: deviceIdFromTopic(fields.length > 0 ? topic : (parentTopic(topic) ?? topic)),
    metric: metric ?? '',
    field: fields[0] ?? '',
  }
}

/** The mapping to send, or what the person still has to fix. */
export function toMapping(topic: string, draft: MappingDraft): TopicMapping | string {
  const deviceId = draft.deviceId.trim()
  const metric = draft.metric.trim()
  if (!/^[A-Za-z0-9_.~-]{1,80}$/.test(deviceId))
    return 'Device id: 1–80 letters, digits, _ . ~ or -.'
  if (!/^[a-z0-9_]{1,48}$/.test(metric))
    return 'Metric: lower-case letters, digits and _ (e.g. temperature).'
  const field = draft.field.trim()
  return field === '' ? { topic, deviceId, metric } : { topic, deviceId, metric, field }
}
