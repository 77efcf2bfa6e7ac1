import type { Device } from '../../../shared/contract/devices'
import type {
  HomeAssistantConfig,
  HomeAssistantStatus,
} from '../../../shared/contract/integrations'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { discoveryMessages, discoveryTopic, HA_METRICS, skipReason } from './ha-payloads'
import type { MqttPublisher } from './mqtt-port'

export interface HaDiscoveryOptions {
  clock: Clock
  logger: Logger
  config: () => HomeAssistantConfig
  devices: () => Device[]
  /** settings.devices.prefix */
  prefix: () => string
  mqtt: () => MqttPublisher | null
  appVersion: string
}

/**
 * Publishes retained HA discovery configs for our devices: all of them when enabled, when
 * asked, and whenever HA announces itself with `online` on `<discovery_prefix>/status` (its
 * birth message, so a restarted HA without persistent MQTT storage still finds them); a
 * device's configs again when they would change (rename, new firmware). Disabling removes
 * them with empty retained messages, which is how HA is told to delete an entity.
 */
export class HaDiscovery {
  /** Last payload published per config topic, so unchanged configs are not re-sent. */
  private readonly published = new Map<string, string>()
  private lastPublishedAt: number | null = null
  private lastError: string | null = null

  constructor(private readonly options: HaDiscoveryOptions) {}

  status(): HomeAssistantStatus {
    const skipped = this.options
      .devices()
      .map((d) => ({ deviceId: d.id, reason: skipReason(d) }))
      .filter((s): s is { deviceId: string; reason: string } => s.reason !== null)
    return {
      enabled: this.options.config().enabled,
      published: this.published.size,
      lastPublishedAt: this.lastPublishedAt,
      skipped,
      lastError: this.lastError,
    }
  }

  /** Every message the app receives; reacts to HA's birth message only. */
  onMessage(message: MqttMessage): void {
    const config = this.options.config()
    if (!config.enabled || message.topic !== `${config.discoveryPrefix}/status`) return
    if (Buffer.from(message.payload).toString('utf8').trim() !== 'online') return
    this.options.logger.info('Home Assistant came online: republishing discovery configs')
    void this.publishAll(true)
  }

  /** A device appeared or changed: publish its configs if they differ from what HA has. */
  onDevice(device: Device): void {
    if (!this.options.config().enabled) return
    void this.publishDevice(device, false)
  }

  async onDeviceRemoved(id: string): Promise<void> {
    const prefix = this.options.config().discoveryPrefix
    for (const metric of HA_METRICS) {
      const topic = discoveryTopic(prefix, id, metric)
      if (this.published.has(topic)) await this.send(topic, '')
    }
  }

  /** Publishes all configs (`force`: even unchanged ones). */
  async publishAll(force: boolean): Promise<HomeAssistantStatus> {
    if (this.options.config().enabled) {
      for (const device of this.options.devices()) await this.publishDevice(device, force)
    }
    return this.status()
  }

  /** HA discovery was switched off (or its prefix changed): remove what we announced. */
  async unpublishAll(): Promise<void> {
    for (const topic of [...this.published.keys()]) await this.send(topic, '')
  }

  private async publishDevice(device: Device, force: boolean): Promise<void> {
    const config = this.options.config()
    const messages = discoveryMessages(device, {
      discoveryPrefix: config.discoveryPrefix,
      prefix: this.options.prefix(),
      appVersion: this.options.appVersion,
    })
    for (const message of messages) {
      const payload = JSON.stringify(message.payload)
      if (!force && this.published.get(message.topic) === payload) continue
      await this.send(message.topic, payload)
    }
  }

  private async send(topic: string, payload: string): Promise<void> {
    const client = this.options.mqtt()
    if (!client) {
      this.lastError = 'the app’s MQTT client is not connected'
      return
    }
    try {
      await client.publish(topic, payload, { qos: 1, retain: true })
      if (payload === '') this.published.delete(topic)
      else this.published.set(topic, payload)
      this.lastPublishedAt = this.options.clock.now()
      this.lastError = null
    } catch (error) {
      this.lastError = `publishing ${topic} failed: ${(error as Error).message}`
      this.options.logger.warn('HA discovery publish failed', { topic, error })
    }
  }
}
