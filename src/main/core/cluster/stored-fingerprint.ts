import type { MqttMessage } from '../../../shared/mqtt-message'

/**
 * What identifies one stored message across the cluster, for the loss count (README "Scaling
 * out"): a 52-bit hash of the device, the topic and the payload bytes. The watch connection
 * and the shared subscription receive the very same topic and payload, so an ingest instance
 * and the alert leader compute the same number without parsing anything twice. Arrival time
 * is left out on purpose: each connection has its own. A device that repeats a payload byte
 * for byte gives the same fingerprint twice; the leader counts them as a multiset, so that
 * still matches. (Fits a double exactly: no allocation per message.)
 */
export function storedFingerprint(message: MqttMessage, deviceId: string): number {
  let a = 0x811c9dc5
  let b = 0x050c5d1f
  for (let i = 0; i < deviceId.length; i++) {
    const c = deviceId.charCodeAt(i)
    a = Math.imul(a ^ c, 16777619)
    b = Math.imul(b ^ c, 2246822519)
  }
  a = Math.imul(a ^ 0xff, 16777619)
  for (let i = 0; i < message.topic.length; i++) {
    const c = message.topic.charCodeAt(i)
    a = Math.imul(a ^ c, 16777619)
    b = Math.imul(b ^ c, 2246822519)
  }
  a = Math.imul(a ^ 0xfe, 16777619)
  const p = message.payload
  for (let i = 0; i < p.length; i++) {
    a = Math.imul(a ^ p[i]!, 16777619)
    b = Math.imul(b ^ p[i]!, 2246822519)
  }
  // 32 bits of one hash and 20 of the other: below 2^53, an exact double.
  return (a >>> 0) * 0x100000 + ((b ^ (b >>> 15)) & 0xfffff)
}

/** Fingerprints per acknowledgement message (8 bytes each: at most 64 KiB). */
export const MAX_PER_ACK = 8192

/** Acknowledgement payload: the fingerprints as little-endian float64s, nothing else. */
export function encodeAck(fingerprints: ArrayLike<number>): Buffer {
  const buffer = Buffer.allocUnsafe(fingerprints.length * 8)
  for (let i = 0; i < fingerprints.length; i++) buffer.writeDoubleLE(fingerprints[i]!, i * 8)
  return buffer
}

/** The fingerprints of an acknowledgement; null for a payload that is not one (never throws). */
export function decodeAck(payload: Uint8Array): number[] | null {
  if (payload.length === 0 || payload.length % 8 !== 0 || payload.length > MAX_PER_ACK * 8)
    return null
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const out: number[] = []
  for (let i = 0; i < payload.length; i += 8) {
    const fp = view.getFloat64(i, true)
    if (!Number.isSafeInteger(fp) || fp < 0) return null
    out.push(fp)
  }
  return out
}
