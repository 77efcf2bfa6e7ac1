import type { ClusterLoss } from '../../../shared/contract/ingest'
import type { MqttMessage } from '../../../shared/mqtt-message'

/**
 * What a cluster's loss count needs from ingestion (cluster/loss-counter.ts, stored-acks.ts):
 * the messages this instance stored from its shared subscription, and the live messages its
 * watch connection saw that some instance of the group should store (not redeliveries, not
 * retained: a shared subscription never gets retained messages).
 */
export interface IngestTally {
  /** `message`'s readings of `deviceId` went to the store. */
  stored(message: MqttMessage, deviceId: string): void
  /** `message`'s readings of `deviceId` are for the group to store (watch connection). */
  seen(message: MqttMessage, deviceId: string): void
  /** The loss figures, for `ingest.stats`. */
  stats(): ClusterLoss
  /** Messages still waiting for their ack: the figures may change, keep sending stats. */
  readonly busy: boolean
}
