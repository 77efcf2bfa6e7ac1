/**
 * The hand-off between the MQTT side (broker, app client, external connections) and
 * ingestion: every message the app's own client receives is delivered as one of these.
 */

/** One MQTT message as received by the app's own client. */
export interface MqttMessage {
  topic: string
  payload: Uint8Array
  qos: 0 | 1 | 2
  retain: boolean
  /** epoch ms when the app received it */
  receivedAt: number
  /** which connection delivered it: 'embedded' or an external connection id */
  source: string
  /**
   * The device login that published it, when known (the embedded broker knows who is
   * connected; an external broker does not tell): proof the device is no invented topic.
   */
  login?: string
}
