import type { Readable } from 'node:stream'
import type { Aedes, AedesPublishPacket } from 'aedes'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Logger } from '../base/logger'
import { FifoQueue } from './fifo-queue'

/** Where the app meets the broker in-process; 'embedded' like the client connection it replaces. */
export const EMBEDDED_SOURCE = 'embedded'

/**
 * A message published to the embedded broker and a `release` to call once the app has
 * taken it: until then aedes reads nothing more from that publisher's socket.
 */
export type PublishListener = (message: MqttMessage, release: () => void) => void

/** The part of mqemitter (aedes' message bus) used here; aedes types it as `any`. */
interface MessageBus {
  on(topic: string, notify: (packet: AedesPublishPacket, done: () => void) => void): unknown
  removeListener(
    topic: string,
    notify: (packet: AedesPublishPacket, done: () => void) => void,
  ): unknown
  _messageQueue?: unknown
  _messageCallbacks?: unknown
}

function busOf(aedes: Aedes): MessageBus {
  return (aedes as unknown as { mq: MessageBus }).mq
}

/**
 * Replaces the two arrays mqemitter parks messages in (beyond its concurrency limit) with
 * O(1) queues: see FifoQueue for why. Returns false, and changes nothing, if this mqemitter
 * keeps its queue some other way (a dependency update must then be looked at, not guessed).
 */
export function installFifoQueues(aedes: Aedes, logger: Logger): boolean {
  const bus = busOf(aedes)
  const queue = bus._messageQueue
  const callbacks = bus._messageCallbacks
  if (!Array.isArray(queue) || !Array.isArray(callbacks) || queue.length + callbacks.length > 0) {
    logger.warn('mqemitter internals changed: its message queue keeps Array.shift cost')
    return false
  }
  bus._messageQueue = new FifoQueue()
  bus._messageCallbacks = new FifoQueue()
  return true
}

/**
 * Hands every PUBLISH the broker routes (devices, local tools, the app's own client, Last
 * Wills) to `listener` in-process: no socket, no re-encoding, no second MQTT client. Like a
 * `#` subscription it skips `$SYS/…` (MQTT 3.1.1 §4.7.2). Live messages carry retain=false,
 * as a subscriber would see them (§3.3.1.3). Returns the unsubscribe function.
 */
export function tapPublishes(
  aedes: Aedes,
  listener: PublishListener,
  now: () => number,
  /** The device login behind a connected client id, if it has one. */
  loginOf: (clientId: string) => string | undefined = () => undefined,
): () => void {
  const bus = busOf(aedes)
  const notify = (packet: AedesPublishPacket, done: () => void): void => {
    if (packet.topic.startsWith('$SYS/')) return done()
    const message = toMessage(packet, false, now())
    // aedes stamps the publisher's client id on the packet (emitPacket); Last Wills too.
    const clientId = (packet as { clientId?: unknown }).clientId
    const login = typeof clientId === 'string' ? loginOf(clientId) : undefined
    if (login !== undefined) message.login = login
    listener(message, done)
  }
  bus.on('#', notify)
  return () => void bus.removeListener('#', notify)
}

/** Every retained message the broker holds, as a subscriber to `#` would get them on subscribing. */
export async function replayRetained(
  retained: Readable,
  listener: (message: MqttMessage) => void,
  now: () => number,
): Promise<number> {
  let count = 0
  for await (const packet of retained as AsyncIterable<AedesPublishPacket>) {
    if (packet.topic.startsWith('$')) continue
    listener(toMessage(packet, true, now()))
    count++
  }
  return count
}

function toMessage(packet: AedesPublishPacket, retain: boolean, receivedAt: number): MqttMessage {
  const payload = packet.payload
  return {
    topic: packet.topic,
    payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    qos: packet.qos,
    retain,
    receivedAt,
    source: EMBEDDED_SOURCE,
  }
}
