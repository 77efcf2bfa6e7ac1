import { join } from 'node:path'
import type { EventName, EventPayload } from '../../../shared/api'
import type {
  AlertIncident,
  AlertLogQuery,
  AlertRule,
  AlertRuleInput,
  AlertRulePatch,
  WebhookStatus,
} from '../../../shared/contract/alerts'
import type { Device, DeviceEvent } from '../../../shared/contract/devices'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import type { SecretCodec } from '../base/secret-box'
import type { MqttPublisher } from '../integrations/mqtt-port'
import { AlertEngine } from './alert-engine'
import type { AlertGate } from './alert-gate'
import { AlertLog } from './alert-log'
import { alertStatePayload, alertTopic } from './alert-mqtt'
import { inQuietHours, localMinuteOfDay, noticeText, valueFormat } from './alert-text'
import { RuleStore, toView, type StoredRule } from './rule-store'
import { postWebhook, type WebhookOptions } from './webhook'
import { WebhookQueue, type WebhookQueueOptions } from './webhook-queue'

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** What alerts need to know about devices (the DeviceRegistry fits). */
export interface DeviceDirectory {
  list(): Device[]
  events(id: string, limit?: number): DeviceEvent[]
}

export interface AlertServiceOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  emit: Emit
  devices: DeviceDirectory
  /** The app's MQTT client, or null while it is not running. */
  mqtt: () => MqttPublisher | null
  prefix: () => string
  units: () => 'C' | 'F'
  offlineAfterMs: () => number
  /** Every incident change (InfluxDB forwarding); `reason` says why it cleared. */
  onIncident?: (incident: AlertIncident, reason?: string) => void
  /** Test knobs: request timeout, first retry delay, fake fetch (also for the queue). */
  webhook?: Omit<WebhookOptions, 'logger'> & Pick<WebhookQueueOptions, 'maxBackoffMs' | 'maxAgeMs'>
  minuteOfDay?: (ms: number) => number
  tickMs?: number
  /** Several ingest instances: only the alert leader delivers (cluster/alert-handover.ts). */
  gate?: AlertGate
  /** false: rules are kept and listed, nothing is evaluated (a `view` instance). Default true. */
  evaluate?: boolean
  /** Seals webhook tokens at rest (see base/secret-box.ts); default plain, 0600. */
  secrets?: SecretCodec
}

type DeliveryResult = { channel: 'notification' | 'mqtt' | 'webhook'; ok: boolean; detail: string }

/**
 * Alert rules, the engine that evaluates them, the log, and delivery: contract events for
 * notifications, retained MQTT state, webhooks. Deliveries run in the background and are
 * awaited by close(), so nothing is cut off at shutdown.
 */
export class AlertService {
  readonly rules: RuleStore
  readonly log: AlertLog
  readonly engine: AlertEngine
  /** Webhook notifications, on disk until delivered (survives outages and restarts). */
  private readonly webhooks: WebhookQueue
  private readonly inFlight = new Set<Promise<unknown>>()
  private readonly minuteOfDay: (ms: number) => number

  constructor(private readonly options: AlertServiceOptions) {
    this.minuteOfDay = options.minuteOfDay ?? localMinuteOfDay
    this.rules = new RuleStore(
      options.dataDir,
      options.logger.child('rules'),
      () => options.clock.now(),
      options.secrets,
    )
    this.log = new AlertLog(options.dataDir)
    this.webhooks = new WebhookQueue({
      dir: join(options.dataDir, 'webhook-queue'),
      clock: options.clock,
      logger: options.logger.child('webhooks'),
      fetch: options.webhook?.fetch,
      timeoutMs: options.webhook?.timeoutMs,
      backoffMs: options.webhook?.backoffMs,
      maxBackoffMs: options.webhook?.maxBackoffMs,
      maxAgeMs: options.webhook?.maxAgeMs,
      // Only to the URL it was queued for: a rule moved elsewhere does not get the new token.
      tokenFor: (ruleId, url) => {
        const webhook = this.rules.list().find((r) => r.id === ruleId)?.actions.webhook
        return webhook?.url === url ? webhook.token : null
      },
    })
    this.engine = new AlertEngine({
      clock: options.clock,
      logger: options.logger,
      log: this.log,
      rules: () => this.rules.list(),
      format: valueFormat(options.units),
      offlineAfterMs: options.offlineAfterMs,
      minuteOfDay: this.minuteOfDay,
      tickMs: options.tickMs,
      listener: {
        fired: (incident, rule, at) => this.gated('fired', incident, rule, at),
        cleared: (incident, rule, reason, at) => this.gated('cleared', incident, rule, at, reason),
      },
    })
  }

  get warnings(): readonly string[] {
    return this.rules.warnings
  }

  async start(): Promise<void> {
    await this.rules.load()
    if (this.options.evaluate === false) return
    this.engine.start(this.options.devices.list(), (id) => this.options.devices.events(id, 10))
  }

  listRules(): AlertRule[] {
    return this.rules.list().map(toView)
  }

  async createRule(input: AlertRuleInput): Promise<AlertRule> {
    const rule = await this.rules.create(input)
    this.rulesChanged()
    return toView(rule)
  }

  async updateRule(patch: AlertRulePatch): Promise<AlertRule> {
    const { before, after } = await this.rules.update(patch)
    this.engine.onRuleChanged(before, after)
    this.rulesChanged()
    return toView(after)
  }

  async deleteRule(id: string): Promise<void> {
    const rule = await this.rules.delete(id)
    this.engine.onRuleChanged(rule, null)
    // A zero-byte retained message deletes the retained state (MQTT 3.1.1 §3.3.1.3).
    if (rule.actions.mqtt) this.publish(alertTopic(this.options.prefix(), rule.id), '', true)
    this.rulesChanged()
  }

  query(q: AlertLogQuery): { entries: AlertIncident[]; total: number } {
    return this.log.query(q)
  }

  acknowledge(ids: readonly number[] | 'all'): number {
    const changed = this.log.acknowledge(ids, this.options.clock.now())
    if (changed.length > 0) this.options.emit('alert.acknowledged', { ids: changed })
    return changed.length
  }

  /** Sends a test message through the rule's MQTT and webhook channels and waits for the results. */
  async test(id: string): Promise<DeliveryResult[]> {
    const rule = this.rules.get(id)
    const results: DeliveryResult[] = []
    const payload = {
      event: 'alert.test',
      rule: { id: rule.id, name: rule.name, condition: rule.condition },
      text: `Test: ${rule.name}`,
      sentAt: new Date(this.options.clock.now()).toISOString(),
    }
    if (rule.actions.mqtt) {
      const topic = `${alertTopic(this.options.prefix(), rule.id)}/test`
      const client = this.options.mqtt()
      if (!client)
        results.push({
          channel: 'mqtt',
          ok: false,
          detail: 'the app’s MQTT client is not connected',
        })
      else {
        try {
          await client.publish(topic, JSON.stringify(payload), { qos: 1, retain: false })
          results.push({ channel: 'mqtt', ok: true, detail: `published to ${topic}` })
        } catch (error) {
          results.push({ channel: 'mqtt', ok: false, detail: (error as Error).message })
        }
      }
    }
    const webhook = rule.actions.webhook
    if (webhook) {
      const r = await postWebhook(webhook, payload, {
        ...this.options.webhook,
        logger: this.options.logger,
      })
      results.push({ channel: 'webhook', ok: r.ok, detail: r.detail })
    }
    return results
  }

  onReadings(points: readonly ReadingPoint[]): void {
    if (this.options.evaluate !== false) this.engine.onReadings(points)
  }

  onDevice(device: Device): void {
    if (this.options.evaluate === false) return
    this.engine.onDevice(device, this.options.devices.events(device.id, 10))
  }

  onDeviceRemoved(id: string): void {
    this.engine.onDeviceRemoved(id)
  }

  webhookStatus(): WebhookStatus {
    return this.webhooks.status()
  }

  /** Resolves when no delivery is in flight (tests, shutdown); webhook retries may be due later. */
  async settled(): Promise<void> {
    await this.options.gate?.settled()
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    await this.webhooks.idle()
  }

  async close(): Promise<void> {
    this.engine.stop()
    await this.settled()
    await this.webhooks.close()
    this.log.close()
  }

  private rulesChanged(): void {
    this.options.emit('alertRules.changed', this.listRules())
  }

  /** Through the gate when there is one (only the alert leader delivers), else at once. */
  private gated(
    state: 'fired' | 'cleared',
    incident: AlertIncident,
    rule: StoredRule | null,
    at: number,
    reason?: string,
  ): void {
    const gate = this.options.gate
    if (!gate) return void this.deliver(state, incident, rule, reason)
    gate.submit(
      {
        ruleId: incident.ruleId,
        deviceId: incident.deviceId,
        phase: state === 'fired' ? 'firing' : 'ok',
        at,
      },
      // Resolves once the webhook had its answer: the hand-over ledger says "delivered" then.
      async () => this.deliver(state, incident, rule, reason, true),
    )
  }

  private deliver(
    state: 'fired' | 'cleared',
    incident: AlertIncident,
    rule: StoredRule | null,
    reason?: string,
    /** Post the webhook now and resolve with its answer (a failure goes to the queue). */
    direct = false,
  ): Promise<void> | undefined {
    const now = this.options.clock.now()
    const quiet =
      incident.quiet || (rule !== null && inQuietHours(rule.quietHours, this.minuteOfDay(now)))
    const { title, body } = noticeText(incident, state, reason)
    const notify = rule !== null && rule.actions.notify && !quiet
    this.options.emit(state === 'fired' ? 'alert.fired' : 'alert.cleared', {
      incident,
      notify,
      title,
      body,
    })
    this.options.onIncident?.(incident, reason)
    if (!rule) return undefined
    if (rule.actions.mqtt) {
      const active = this.log.active().filter((i) => i.ruleId === rule.id)
      const payload = alertStatePayload(rule, active, { event: state, incident, reason }, now)
      this.publish(alertTopic(this.options.prefix(), rule.id), payload, true)
    }
    const webhook = rule.actions.webhook
    if (webhook && !quiet) {
      const payload = {
        event: `alert.${state}`,
        rule: { id: rule.id, name: rule.name, condition: rule.condition },
        incident,
        title,
        text: `${title}: ${body}`,
        sentAt: new Date(now).toISOString(),
      }
      // The alert leader: the hand-over ledger is written once the receiver answered.
      if (direct) return this.webhooks.sendNow(webhook, payload, rule.id)
      this.webhooks.enqueue(webhook, payload, rule.id)
    }
    return undefined
  }

  private publish(topic: string, payload: string, retain: boolean): void {
    const client = this.options.mqtt()
    if (!client) {
      this.options.logger.warn('alert state not published: MQTT client not connected', { topic })
      return
    }
    this.track(
      client.publish(topic, payload, { qos: 1, retain }).catch((error: unknown) => {
        this.options.logger.warn('alert state publish failed', { topic, error })
      }),
    )
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise)
    void promise.finally(() => this.inFlight.delete(promise))
  }
}
