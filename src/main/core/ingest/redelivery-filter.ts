import type { DeviceUpdate } from '../../../shared/parsers/types'

/** Sequence numbers remembered per device. */
const SEQS_PER_DEVICE = 64
/** A repeat older than this is a new message from a rebooted device, not a redelivery. */
const WINDOW_MS = 10 * 60_000

/**
 * Drops QoS 1 redeliveries (MQTT 3.1.1 §4.3.2: a PUBLISH may arrive more than once).
 * A message is a redelivery when the same device sent the same `seq` with the same values
 * (and device time) within the last ten minutes. Our firmware restarts `seq` on reboot, so
 * matching values as well as seq keeps a rebooted device's fresh readings.
 */
export class RedeliveryFilter {
  private readonly seen = new Map<string, Map<number, { fingerprint: string; at: number }>>()

  /** true when this update repeats one already accepted. */
  isDuplicate(update: DeviceUpdate, receivedAt: number): boolean {
    if (update.seq === undefined) return false
    const fingerprint = `${update.ts ?? ''}|${update.readings.map((r) => `${r.metric}=${r.value}`).join(',')}`
    let perDevice = this.seen.get(update.deviceId)
    if (!perDevice) this.seen.set(update.deviceId, (perDevice = new Map()))
    const previous = perDevice.get(update.seq)
    if (previous && previous.fingerprint === fingerprint && receivedAt - previous.at <= WINDOW_MS)
      return true
    perDevice.delete(update.seq) // re-insert so iteration order stays oldest-first
    perDevice.set(update.seq, { fingerprint, at: receivedAt })
    if (perDevice.size > SEQS_PER_DEVICE) {
      const oldest = perDevice.keys().next()
      if (!oldest.done) perDevice.delete(oldest.value)
    }
    return false
  }

  forgetDevice(deviceId: string): void {
    this.seen.delete(deviceId)
  }
}
