import type { DeviceUpdate } from '../../../shared/parsers/types'

/** Sequence numbers remembered per device. */
const SEQS_PER_DEVICE = 64
/** A repeat older than this is a new message from a rebooted device, not a redelivery. */
const WINDOW_MS = 10 * 60_000

/** The last SEQS_PER_DEVICE messages of one device, in fixed arrays (no garbage per message). */
interface SeqRing {
  seqs: Float64Array
  fingerprints: Float64Array
  at: Float64Array
  next: number
}

/**
 * Drops QoS 1 redeliveries (MQTT 3.1.1 §4.3.2: a PUBLISH may arrive more than once).
 * A message is a redelivery when the same device sent the same `seq` with the same values
 * (and device time) within the last ten minutes. Our firmware restarts `seq` on reboot, so
 * matching values as well as seq keeps a rebooted device's fresh readings.
 */
export class RedeliveryFilter {
  private readonly seen = new Map<string, SeqRing>()

  /** true when this update repeats one already accepted. */
  isDuplicate(update: DeviceUpdate, receivedAt: number): boolean {
    if (update.seq === undefined) return false
    const fingerprint = fingerprintOf(update)
    let ring = this.seen.get(update.deviceId)
    if (!ring) {
      ring = {
        seqs: new Float64Array(SEQS_PER_DEVICE).fill(Number.NaN),
        fingerprints: new Float64Array(SEQS_PER_DEVICE),
        at: new Float64Array(SEQS_PER_DEVICE),
        next: 0,
      }
      this.seen.set(update.deviceId, ring)
    }
    for (let i = 0; i < SEQS_PER_DEVICE; i++) {
      if (ring.seqs[i] !== update.seq) continue
      if (ring.fingerprints[i] === fingerprint && receivedAt - ring.at[i]! <= WINDOW_MS) return true
      // Same seq, other values or too old: a rebooted device; remember the new message instead.
      ring.fingerprints[i] = fingerprint
      ring.at[i] = receivedAt
      return false
    }
    const i = ring.next
    ring.seqs[i] = update.seq
    ring.fingerprints[i] = fingerprint
    ring.at[i] = receivedAt
    ring.next = (i + 1) % SEQS_PER_DEVICE
    return false
  }

  forgetDevice(deviceId: string): void {
    this.seen.delete(deviceId)
  }
}

/**
 * A number that changes when device time or any reading changes (FNV-1a over the metric
 * names and the values' bits), without building a string per message.
 */
function fingerprintOf(update: DeviceUpdate): number {
  let h = 0x811c9dc5
  h = mix(h, update.ts ?? -1)
  for (const reading of update.readings) {
    for (let i = 0; i < reading.metric.length; i++)
      h = Math.imul(h ^ reading.metric.charCodeAt(i), 16777619)
    h = mix(h, reading.value)
  }
  return h >>> 0
}

const scratch = new Float64Array(1)
const scratchWords = new Uint32Array(scratch.buffer)

function mix(h: number, value: number): number {
  scratch[0] = value
  h = Math.imul(h ^ scratchWords[0]!, 16777619)
  return Math.imul(h ^ scratchWords[1]!, 16777619)
}
