/**
 * MQTT 3.1.1 frames for the load generator. CONNECT, SUBSCRIBE and the other rare packets
 * come from mqtt-packet (the encoder mqtt.js and aedes use); the telemetry PUBLISH is framed
 * by hand straight into a shared buffer, because generating it with mqtt-packet costs about
 * 2 µs per message and the generator has to outrun Mosquitto (~300k msg/s here) on a machine
 * whose two cores also run the broker and its subscriber. tests/unit/bench/mqtt-frames.test.ts
 * decodes these frames with mqtt-packet's parser.
 */
import mqttPacket from 'mqtt-packet'

export interface ConnectOptions {
  clientId: string
  /** Seconds (§3.1.2.10); 0 turns keep-alive off. */
  keepaliveS: number
  /** Our firmware's Last Will: `offline`, retained, QoS 1 on `<prefix>/<id>/status`. */
  willTopic?: string
}

/** CONNECT (§3.1), clean session, protocol level 4. */
export function connectFrame(options: ConnectOptions): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: options.clientId,
    keepalive: options.keepaliveS,
    ...(options.willTopic
      ? {
          will: { topic: options.willTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
        }
      : {}),
  })
}

/** SUBSCRIBE (§3.8) to one topic, as the firmware subscribes to its `cmd` topic. */
export function subscribeFrame(messageId: number, topic: string, qos: 0 | 1 = 1): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos }] })
}

/** A retained QoS 0 PUBLISH (the birth message `online` on the status topic). */
export function retainedFrame(topic: string, payload: string): Buffer {
  return mqttPacket.generate({
    cmd: 'publish',
    topic,
    payload,
    qos: 0,
    retain: true,
    dup: false,
  })
}

export const PINGREQ = mqttPacket.generate({ cmd: 'pingreq' })
export const DISCONNECT = mqttPacket.generate({ cmd: 'disconnect' })

/** Upper bound of one telemetry frame: fixed header (≤ 5) + topic length (2) + topic + payload. */
export function maxTelemetryFrame(topicBytes: number): number {
  return 5 + 2 + topicBytes + MAX_PAYLOAD
}

/** Longest telemetry payload we write (ts ≤ 13 digits, seq ≤ 15 digits). */
const MAX_PAYLOAD = 96

/**
 * Our firmware's telemetry, as src/shared/parsers/ours.ts reads it and
 * src/main/core/simulator/virtual-device.ts sends it: `{"temperature","humidity","ts","seq"}`.
 * `ts` is the device clock in epoch **ms** (the parser takes s or ms, see plausibleTs), so the
 * bench can measure lag below a second; `seq` counts per device from 1, so loss is countable.
 */
export function telemetryPayload(seq: number, tsMs: number): string {
  const step = seq % 100
  return `{"temperature":${(200 + step) / 10},"humidity":${(450 - step) / 10},"ts":${tsMs},"seq":${seq}}`
}

/**
 * Writes one QoS 0 PUBLISH (§3.3; no packet identifier at QoS 0, §3.3.2.2) of an ASCII
 * payload into `buf` at `offset`, returning the offset after it. The caller sizes `buf` with
 * maxTelemetryFrame.
 */
export function writePublish(buf: Buffer, offset: number, topic: Buffer, payload: string): number {
  let remaining = 2 + topic.length + payload.length
  buf[offset++] = 0x30
  // Remaining Length (§2.2.3): 7 bits per byte, least significant first, high bit = more.
  do {
    let byte = remaining & 0x7f
    remaining >>>= 7
    if (remaining > 0) byte |= 0x80
    buf[offset++] = byte
  } while (remaining > 0)
  buf[offset++] = topic.length >> 8
  buf[offset++] = topic.length & 0xff
  offset += topic.copy(buf, offset)
  offset += buf.write(payload, offset, 'latin1')
  return offset
}
