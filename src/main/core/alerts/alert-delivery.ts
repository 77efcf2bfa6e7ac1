import type { EventName, EventPayload } from '../../../shared/api'
import type { AlertIncident } from '../../../shared/contract/alerts'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import type { MqttPublisher } from '../integrations/mqtt-port'
import type { AlertGate } from './alert-gate'
import type { AlertLog } from './alert-log'
import { alertStatePayload, alertTopic } from './alert-mqtt'
import { inQuietHours, noticeText } from './alert-text'
import type { StoredRule } from './rule-store'
import { postWebhook, type WebhookOptions } from './webhook'
import type { WebhookQueue } from './webhook-queue'

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** One channel's answer to a test message. */
export type DeliveryResult = {
  channel: 'notification' | 'mqtt' | 'webhook'
  ok: boolean
  detail: string
}

export interface AlertDeliveryOptions {
  clock: Clock
  logger: Logger
  emit: Emit
  /** The app's MQTT client, or null while it is not running. */
  mqtt: () => MqttPublisher | null
  prefix: () => string
  /** Every incident change (InfluxDB forwarding); `reason` says why it cleared. */
  onIncident?: (incident: AlertIncident, reason?: string) => void
  /** Request timeout and fake fetch for direct posts (test messages). */
  webhook?: Omit<WebhookOptions, 'logger'>
  /** Several ingest instances: only the alert leader delivers (cluster/alert-handover.ts). */
  gate?: AlertGate
  minuteOfDay: (ms: number) => number
  log: AlertLog
  /** Webhook notifications, on disk until delivered. */
  webhooks: WebhookQueue
}

/**
 * Where a fired or cleared incident goes: the contract event (desktop notification), the
 * rule's retained MQTT state and its webhook, through the alert gate when there is one.
 * MQTT publishes run in the background; settled() waits for them.
 */
export class AlertDelivery {
  private readonly inFlight = new Set<Promise<unknown>>()

  constructor(private readonly options: AlertDeliveryOptions) {}

  /** Through the gate when there is one (only the alert leader delivers), else at once. */
  submit(
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

  /** Sends a test message through the rule's MQTT and webhook channels and waits for the results. */
  async test(rule: StoredRule): Promise<DeliveryResult[]> {
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

  /** A zero-byte retained message deletes the retained state (MQTT 3.1.1 §3.3.1.3). */
  clearRetained(ruleId: string): void {
    this.publish(alertTopic(this.options.prefix(), ruleId), '', true)
  }

  /** Resolves when no delivery is in flight (tests, shutdown); webhook retries may be due later. */
  async settled(): Promise<void> {
    await this.options.gate?.settled()
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    await this.options.webhooks.idle()
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
      incident.quiet ||
      (rule !== null && inQuietHours(rule.quietHours, this.options.minuteOfDay(now)))
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
      const active = this.options.log.active().filter((i) => i.ruleId === rule.id)
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
      if (direct) return this.options.webhooks.sendNow(webhook, payload, rule.id)
      this.options.webhooks.enqueue(webhook, payload, rule.id)
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
