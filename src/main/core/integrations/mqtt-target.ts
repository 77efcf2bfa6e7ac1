import { EMBEDDED_CONNECTION_ID } from '../../../shared/contract/connections'
import type { Device } from '../../../shared/contract/devices'
import type { MqttTargetStatus } from '../../../shared/contract/integrations'
import type { Logger } from '../base/logger'
import type { AppMqtt, MqttPublisher, PublishOptions } from './mqtt-port'

export interface MqttTargetOptions {
  mqtt: AppMqtt
  logger: Logger
  /** The person's choice (null = automatic). */
  chosen: () => string | null
  /** Whether the embedded broker is switched on in the settings (it may be restarting). */
  embeddedEnabled: () => boolean
  devices: () => readonly Pick<Device, 'source'>[]
}

/**
 * The one connection Home Assistant configs and alert states go to, and the retained
 * messages published there. Automatic = where the devices are: the embedded broker when it is
 * on, else the connection most devices were heard on, else the first; never "whichever
 * connected first", which flips across restarts. Every retained message is remembered with
 * its connection, so when the target changes it is removed there (an empty retained message,
 * MQTT 3.1.1 §3.3.1.3) and published on the new one, and removing it later reaches the
 * connection that has it.
 */
export class MqttTarget {
  private readonly retained = new Map<string, { payload: string; on: string; qos: 0 | 1 | 2 }>()
  private moving: Promise<void> = Promise.resolve()

  constructor(private readonly options: MqttTargetOptions) {}

  /** The connection id to publish to now, or null when the app has no connection. */
  resolve(): string | null {
    const chosen = this.options.chosen()
    if (chosen !== null) return chosen
    const known = new Set(this.options.mqtt.connections().map((c) => c.id))
    if (known.has(EMBEDDED_CONNECTION_ID) || this.options.embeddedEnabled()) {
      return EMBEDDED_CONNECTION_ID
    }
    const counts = new Map<string, number>()
    for (const d of this.options.devices()) {
      if (d.source !== null && known.has(d.source))
        counts.set(d.source, (counts.get(d.source) ?? 0) + 1)
    }
    let best: string | null = null
    for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id
    return best ?? this.options.mqtt.connections()[0]?.id ?? null
  }

  status(): MqttTargetStatus {
    const options = this.options.mqtt.connections().map((c) => ({
      id: c.id,
      name: c.name,
      connected: c.state.status === 'connected',
    }))
    const id = this.resolve()
    return {
      connectionId: this.options.chosen(),
      resolved:
        id === null
          ? null
          : (options.find((o) => o.id === id) ?? { id, name: id, connected: false }),
      options,
    }
  }

  /** A publisher bound to the current target (what HaDiscovery and AlertService take). */
  publisher(): MqttPublisher | null {
    const id = this.resolve()
    return id === null
      ? null
      : { publish: (topic, payload, o) => this.publish(id, topic, payload, o) }
  }

  /**
   * Moves every retained message that is not on the current target: published there, then
   * removed from where it was. Messages whose connection is down stay remembered and move on
   * the next call (create-integrations calls this on every connection change).
   */
  retarget(): Promise<void> {
    this.moving = this.moving.then(async () => {
      const target = this.resolve()
      if (target === null) return
      for (const [topic, entry] of [...this.retained]) {
        if (entry.on === target) continue
        try {
          const options = { qos: entry.qos, retain: true }
          await this.options.mqtt.publish(target, topic, entry.payload, options)
          await this.options.mqtt.publish(entry.on, topic, '', options)
          this.retained.set(topic, { ...entry, on: target })
        } catch (error) {
          this.options.logger.warn('retained message not moved yet', { topic, error })
        }
      }
    })
    return this.moving
  }

  private async publish(
    id: string,
    topic: string,
    payload: string,
    options: PublishOptions,
  ): Promise<void> {
    await this.options.mqtt.publish(id, topic, payload, options)
    if (!options.retain) return
    const before = this.retained.get(topic)
    if (payload === '') this.retained.delete(topic)
    else this.retained.set(topic, { payload, on: id, qos: options.qos })
    // Published elsewhere before (target changed since): remove it there.
    if (before && before.on !== id) {
      await this.options.mqtt.publish(before.on, topic, '', options).catch((error: unknown) => {
        this.options.logger.warn('could not remove a retained message', { topic, error })
      })
    }
  }
}
