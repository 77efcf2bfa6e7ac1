import type { BrokerStatus } from '../../../shared/contract/broker'
import type { Connection } from '../../../shared/contract/connections'
import type { MqttMessage } from '../../../shared/mqtt-message'

export interface PublishOptions {
  qos: 0 | 1 | 2
  retain: boolean
}

/**
 * What alerts and Home Assistant discovery need from one of the app's MQTT connections.
 * `publish` rejects when the connection is not connected.
 */
export interface MqttPublisher {
  publish(topic: string, payload: string, options: PublishOptions): Promise<void>
}

/**
 * The app's MQTT side as the integrations see it, adapted in create-core from MqttCore, so
 * these features do not depend on how the clients and the broker are built.
 */
export interface AppMqtt {
  /** The app's connections; the embedded broker's client is `embedded` while the broker runs. */
  connections(): readonly Pick<Connection, 'id' | 'name' | 'state'>[]
  /** Publishes through one connection; rejects when it is not connected. */
  publish(
    connectionId: string,
    topic: string,
    payload: string,
    options: PublishOptions,
  ): Promise<void>
  /** The embedded broker while it runs (its real listeners, LAN addresses, CA), else null. */
  broker(): {
    status(): Pick<BrokerStatus, 'listeners' | 'lanAddresses'>
    ensureTls(): { caPem: string }
  } | null
}

/** Every message the app's client receives (it subscribes to `#`), for HA's birth message. */
export type MessageTap = (message: MqttMessage) => void
