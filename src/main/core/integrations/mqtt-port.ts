import type { MqttMessage } from '../../../shared/mqtt-message'

/**
 * What alerts and Home Assistant discovery need from the app's own MQTT client.
 * Adapted in create-core from the broker/mqtt services, so these features do not depend
 * on how the client is built. `publish` rejects when the client is not connected.
 */
export interface MqttPublisher {
  publish(
    topic: string,
    payload: string,
    options: { qos: 0 | 1 | 2; retain: boolean },
  ): Promise<void>
}

/** Every message the app's client receives (it subscribes to `#`), for HA's birth message. */
export type MessageTap = (message: MqttMessage) => void
