import type { DeviceUpdate } from '../../../shared/parsers/types'

/** One warning per device per hour is enough to be seen without filling its event ring. */
const EVERY_MS = 3_600_000

/**
 * A board whose clock is not set yet (no NTP) stamps readings with a date months or years
 * off; the parsers then use arrival time instead (plausibleTs). This says so on the device,
 * as a `clock_not_set` warning event at most once an hour, so a person sees why the board's
 * own times are ignored.
 */
export class ClockWarnings {
  private readonly warnedAt = new Map<string, number>()

  /** Adds the warning event to `update` when it is due; true when a device time was ignored. */
  check(update: DeviceUpdate, receivedAt: number): boolean {
    if (update.rejectedTs === undefined || update.readings.length === 0) return false
    const last = this.warnedAt.get(update.deviceId)
    if (update.event === undefined && (last === undefined || receivedAt - last >= EVERY_MS)) {
      this.warnedAt.set(update.deviceId, receivedAt)
      const claimed = new Date(update.rejectedTs)
      const shown = Number.isNaN(claimed.getTime())
        ? String(update.rejectedTs)
        : `${claimed.toISOString().slice(0, 16).replace('T', ' ')} UTC`
      update.event = {
        type: 'clock_not_set',
        level: 'warn',
        message: `The board's clock says ${shown}, which cannot be right (not set yet?): its readings are stored with the time they arrived.`,
        raw: JSON.stringify({ deviceTs: update.rejectedTs }),
      }
    }
    return true
  }

  forgetDevice(deviceId: string): void {
    this.warnedAt.delete(deviceId)
  }
}
