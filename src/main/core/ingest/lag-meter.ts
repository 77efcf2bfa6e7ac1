/** How long a device's clock offset is trusted before it is measured afresh. */
const BASELINE_MS = 10 * 60_000
/**
 * Devices heard within this long count towards the median. More than the usual 1 s report
 * interval: a 1 Hz board heard 1.05 s ago (timer jitter, a busy machine) still counts, so
 * the reported lag does not flicker to 0 between its reports.
 */
const RECENT_MS = 5000

interface DeviceClock {
  /** Smallest (arrival − device time) seen in the current and the previous window. */
  min: number
  previousMin: number
  windowStart: number
  /** Latest lag sample and when it was taken. */
  lag: number
  at: number
}

/**
 * How late data is. Messages are stored as they are handed over (no queue inside the app
 * to time), so the delay that matters is before that: in socket buffers while the app is
 * saturated. For messages that carry a device timestamp it is arrival − device time, less
 * that device's usual offset (its clock is never exactly ours): the smallest offset seen in
 * the last ten minutes. The median over devices heard in the last few seconds is reported, so
 * one board replaying its offline spool (old timestamps, on purpose) does not read as the
 * whole app falling behind, while every board arriving late does.
 */
export class LagMeter {
  private readonly clocks = new Map<string, DeviceClock>()

  /** A message that carried device time `deviceTs` arrived at `receivedAt` (both epoch ms). */
  recordDeviceTime(deviceId: string, deviceTs: number, receivedAt: number): void {
    const offset = receivedAt - deviceTs
    let clock = this.clocks.get(deviceId)
    if (!clock) {
      clock = { min: offset, previousMin: offset, windowStart: receivedAt, lag: 0, at: receivedAt }
      this.clocks.set(deviceId, clock)
    }
    if (receivedAt - clock.windowStart > BASELINE_MS) {
      clock.previousMin = clock.min
      clock.min = offset
      clock.windowStart = receivedAt
    } else if (offset < clock.min) clock.min = offset
    clock.lag = Math.max(0, offset - Math.min(clock.min, clock.previousMin))
    clock.at = receivedAt
  }

  forgetDevice(deviceId: string): void {
    this.clocks.delete(deviceId)
  }

  /** The lag now: each recently heard device's latest sample, median. O(devices), once a second. */
  sample(now: number): number {
    const recent: number[] = []
    for (const clock of this.clocks.values())
      if (now - clock.at <= RECENT_MS) recent.push(clock.lag)
    if (recent.length === 0) return 0
    recent.sort((a, b) => a - b)
    return recent[Math.floor((recent.length - 1) / 2)]!
  }
}
