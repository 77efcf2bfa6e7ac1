import { z } from 'zod'
import { method, NoParams, Ok } from './define'
import { DeviceId } from './devices'
import { Metric } from './readings'

/** Rule ids are slugs: they appear in MQTT topics (`<prefix>/alerts/<id>`) and webhook payloads. */
export const RuleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lowercase letters, digits and -')

/** Which devices a rule watches. `kind` matches a device's format (`ours`, `tasmota`, …) or sensor model (`DHT22`). */
export const AlertTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).strict(),
  z.object({ type: z.literal('device'), deviceId: DeviceId }).strict(),
  z.object({ type: z.literal('kind'), kind: z.string().trim().min(1).max(48) }).strict(),
])
export type AlertTarget = z.infer<typeof AlertTarget>

/**
 * What a rule checks. Values are in the units readings are stored in (°C, %RH).
 * `hysteresis`: once firing, the value must come back past the limit by this much to clear,
 * so a reading hovering at the limit does not flap.
 */
export const AlertCondition = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('threshold'),
      metric: Metric,
      direction: z.enum(['above', 'below']),
      value: z.number().finite(),
      hysteresis: z.number().min(0).max(1000).default(0.5),
    })
    .strict(),
  z
    .object({
      type: z.literal('rate'),
      metric: Metric,
      direction: z.enum(['rising', 'falling', 'either']),
      /** Change per 10 minutes (e.g. °C per 10 min) at or beyond which the rule fires. */
      perTenMin: z.number().positive().max(1000),
      hysteresis: z.number().min(0).max(1000).default(0.2),
    })
    .strict(),
  /** The device reports itself offline (Last Will / status) or went silent, for longer than `minutes`. */
  z.object({ type: z.literal('offline'), minutes: z.number().min(0.5).max(10_080) }).strict(),
  /** No readings for `minutes` (the device may still be online: a stuck or unplugged sensor). */
  z.object({ type: z.literal('stale'), minutes: z.number().min(0.5).max(10_080) }).strict(),
  /** The device reported an error event (e.g. `sensor_error`); clears with its next reading. */
  z.object({ type: z.literal('sensorError') }).strict(),
])
export type AlertCondition = z.infer<typeof AlertCondition>
export type AlertConditionType = AlertCondition['type']

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM')

/** Local time window in which alerts are logged but nobody is notified (desktop, browser, webhook). */
export const QuietHours = z.object({ start: HourMinute, end: HourMinute }).strict()
export type QuietHours = z.infer<typeof QuietHours>

/** Webhook as shown to the UI: the bearer token never leaves main after it was entered. */
export const WebhookView = z.object({ url: z.string(), hasToken: z.boolean() })

export const WebhookInput = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// address' }),
    /** Sent as `Authorization: Bearer …`. Omitted = keep the stored one; null = remove it. */
    token: z.string().min(1).max(500).nullable().optional(),
  })
  .strict()

export const AlertActions = z.object({
  /** Desktop notification (Electron) / browser notification (web mode). */
  notify: z.boolean(),
  /** Publish retained JSON state to `<prefix>/alerts/<rule id>`. */
  mqtt: z.boolean(),
  webhook: WebhookView.nullable(),
})

export const AlertRule = z.object({
  id: RuleId,
  name: z.string(),
  enabled: z.boolean(),
  target: AlertTarget,
  condition: AlertCondition,
  /** The condition must hold this long before the rule fires (0 = at once). */
  forMinutes: z.number(),
  quietHours: QuietHours.nullable(),
  actions: AlertActions,
  createdAt: z.number(),
  updatedAt: z.number(),
})
export type AlertRule = z.infer<typeof AlertRule>

const RuleFields = {
  name: z.string().trim().min(1).max(80),
  enabled: z.boolean(),
  target: AlertTarget,
  condition: AlertCondition,
  forMinutes: z.number().min(0).max(1440),
  quietHours: QuietHours.nullable(),
  actions: z
    .object({
      notify: z.boolean().default(true),
      mqtt: z.boolean().default(false),
      webhook: WebhookInput.nullable().default(null),
    })
    .strict(),
}

export const AlertRuleInput = z
  .object({
    ...RuleFields,
    enabled: RuleFields.enabled.default(true),
    forMinutes: RuleFields.forMinutes.default(0),
    quietHours: RuleFields.quietHours.default(null),
    actions: RuleFields.actions.default({ notify: true, mqtt: false, webhook: null }),
  })
  .strict()
export type AlertRuleInput = z.input<typeof AlertRuleInput>

export const AlertRulePatch = z
  .object({
    id: RuleId,
    name: RuleFields.name.optional(),
    enabled: RuleFields.enabled.optional(),
    target: RuleFields.target.optional(),
    condition: RuleFields.condition.optional(),
    forMinutes: RuleFields.forMinutes.optional(),
    quietHours: RuleFields.quietHours.optional(),
    actions: RuleFields.actions.optional(),
  })
  .strict()
export type AlertRulePatch = z.infer<typeof AlertRulePatch>

/** One incident: a rule firing for one device, until it clears. This is the alert log's row. */
export const AlertIncident = z.object({
  id: z.number().int(),
  ruleId: z.string(),
  ruleName: z.string(),
  deviceId: z.string(),
  deviceName: z.string(),
  condition: z.enum(['threshold', 'rate', 'offline', 'stale', 'sensorError']),
  metric: z.string().nullable(),
  /** The value that made it fire (reading, rate per 10 min, or minutes offline/silent). */
  value: z.number().nullable(),
  message: z.string(),
  firedAt: z.number().describe('epoch ms'),
  clearedAt: z.number().nullable(),
  acknowledgedAt: z.number().nullable(),
  /** Fired during the rule's quiet hours: logged, nobody notified. */
  quiet: z.boolean(),
})
export type AlertIncident = z.infer<typeof AlertIncident>

export const AlertLogQuery = z
  .object({
    ruleId: z.string().optional(),
    deviceId: z.string().optional(),
    status: z.enum(['all', 'active', 'cleared']).default('all'),
    acknowledged: z.boolean().optional(),
    /** firedAt range, epoch ms: from inclusive, to exclusive. */
    from: z.number().optional(),
    to: z.number().optional(),
    /** Paging: only incidents with a smaller id (older). */
    beforeId: z.number().int().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
export type AlertLogQuery = z.infer<typeof AlertLogQuery>

/** What `alert.fired` / `alert.cleared` carry: the incident plus ready-made notification text. */
export const AlertNotice = z.object({
  incident: AlertIncident,
  /** false during quiet hours or when the rule's `notify` is off: shells show no notification. */
  notify: z.boolean(),
  title: z.string(),
  body: z.string(),
})
export type AlertNotice = z.infer<typeof AlertNotice>

export const DeliveryResult = z.object({
  channel: z.enum(['notification', 'mqtt', 'webhook']),
  ok: z.boolean(),
  detail: z.string(),
})

/** Webhook notifications waiting on disk for their receiver, and how delivery went since start. */
export const WebhookStatus = z.object({
  /** Queued and not yet accepted by the receiver (retried with backoff for up to 24 h). */
  pending: z.number().int(),
  delivered: z.number().int(),
  /** Refused by the receiver (4xx), or still undelivered after 24 h: given up. */
  failed: z.number().int(),
  /** Last failure, for a person: origin and reason (never the URL's path or the token). */
  lastError: z.string().nullable(),
  /** When the next retry is due (epoch ms), while one is waiting. */
  nextAttemptAt: z.number().nullable(),
})
export type WebhookStatus = z.infer<typeof WebhookStatus>

export const alertsMethods = {
  'alerts.listRules': method(NoParams, z.array(AlertRule), 'List alert rules.'),
  'alerts.createRule': method(AlertRuleInput, AlertRule, 'Create an alert rule.'),
  /** Omitted fields are kept; a webhook token omitted in `actions.webhook` is kept too. */
  'alerts.updateRule': method(AlertRulePatch, AlertRule, 'Change an alert rule.'),
  'alerts.deleteRule': method(z.object({ id: RuleId }).strict(), Ok, 'Delete an alert rule.'),
  'alerts.log': method(
    AlertLogQuery,
    z.object({ entries: z.array(AlertIncident), total: z.number().int() }),
    'Alert log (incidents), newest first, filtered.',
  ),
  'alerts.acknowledge': method(
    z.union([
      z.object({ ids: z.array(z.number().int()).min(1).max(1000) }).strict(),
      z.object({ all: z.literal(true) }).strict(),
    ]),
    z.object({ acknowledged: z.number().int() }),
    'Acknowledge incidents (by id, or all unacknowledged).',
  ),
  'alerts.webhookStatus': method(
    NoParams,
    WebhookStatus,
    'Webhook notifications pending on disk, delivered and failed.',
  ),
  /** Sends a test message through the rule's channels (MQTT, webhook) and reports each result. */
  'alerts.test': method(
    z.object({ id: RuleId }).strict(),
    z.array(DeliveryResult),
    'Send a test alert through a rule’s channels.',
  ),
}

export const alertsEvents = {
  /** A rule started firing for a device. Shells show a desktop/browser notification when `notify`. */
  'alert.fired': AlertNotice,
  /** A firing rule cleared for a device. */
  'alert.cleared': AlertNotice,
  /** Incidents were acknowledged (ids). */
  'alert.acknowledged': z.object({ ids: z.array(z.number().int()) }),
  /** The rule list changed. */
  'alertRules.changed': z.array(AlertRule),
}
