import { join } from 'node:path'
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
import { AlertDelivery, type DeliveryResult, type Emit } from './alert-delivery'
import { AlertEngine } from './alert-engine'
import type { AlertGate } from './alert-gate'
import { AlertLog } from './alert-log'
import { localMinuteOfDay, valueFormat } from './alert-text'
import { RuleStore, toView } from './rule-store'
import type { WebhookOptions } from './webhook'
import { WebhookQueue, type WebhookQueueOptions } from './webhook-queue'

export type { Emit } from './alert-delivery'

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
  private readonly delivery: AlertDelivery

  constructor(private readonly options: AlertServiceOptions) {
    const minuteOfDay = options.minuteOfDay ?? localMinuteOfDay
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
    this.delivery = new AlertDelivery({
      ...options,
      minuteOfDay,
      log: this.log,
      webhooks: this.webhooks,
    })
    this.engine = new AlertEngine({
      clock: options.clock,
      logger: options.logger,
      log: this.log,
      rules: () => this.rules.list(),
      format: valueFormat(options.units),
      offlineAfterMs: options.offlineAfterMs,
      minuteOfDay,
      tickMs: options.tickMs,
      listener: {
        fired: (incident, rule, at) => this.delivery.submit('fired', incident, rule, at),
        cleared: (incident, rule, reason, at) =>
          this.delivery.submit('cleared', incident, rule, at, reason),
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
    if (rule.actions.mqtt) this.delivery.clearRetained(rule.id)
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
    return this.delivery.test(this.rules.get(id))
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
    await this.delivery.settled()
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
}
