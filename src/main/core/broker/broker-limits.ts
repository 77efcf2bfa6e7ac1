import type { BrokerLimits } from '../../../shared/contract/broker'
import { MAX_PACKET_BEFORE_AUTH } from './packet-size-gate'

/**
 * Deepest topic the embedded broker routes. aedes clamps its `maxTopicLevels` to 100 because
 * its message bus (mqemitter) and subscription trie (qlobber, also in our SQLite persistence)
 * are built with qlobber's default of 100 words, which aedes can't raise: past it qlobber
 * throws synchronously and would take the broker down. MQTT 3.1.1 sets no level limit
 * (§4.7.3); Mosquitto 2.0 routes up to 201 levels and drops the client beyond, as aedes does
 * past 100. Raising ours would mean replacing aedes' bus and tries, for topics no device or
 * integration we know of uses (Home Assistant discovery is 5 levels), so the limit stays and
 * is stated instead: in `broker.status` limits and in a warning naming the client.
 */
export const MAX_TOPIC_LEVELS = 100

/** settings.broker.maxPacketBytes' default, for a config that leaves it out. */
export const DEFAULT_MAX_PACKET_BYTES = 256 * 1024

/** aedes' error for a PUBLISH, SUBSCRIBE or UNSUBSCRIBE deeper than MAX_TOPIC_LEVELS. */
const TOO_MANY_LEVELS = 'topic has too many levels'

export function brokerLimits(maxPacketBytes: number): BrokerLimits {
  return {
    maxTopicLevels: MAX_TOPIC_LEVELS,
    maxPacketBytes,
    maxPacketBytesBeforeAuth: MAX_PACKET_BEFORE_AUTH,
  }
}

/**
 * Words for the log when aedes drops a client for breaking a limit (MQTT 3.1.1 has no
 * refusal code for it, so the client only sees the connection close); null otherwise.
 */
export function limitWarning(error: Error): string | null {
  if (error.message === TOO_MANY_LEVELS) {
    return `client dropped: its topic is deeper than this broker allows (at most ${MAX_TOPIC_LEVELS} levels)`
  }
  return null
}
