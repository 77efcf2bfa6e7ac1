/** Rates are expressed per 10 minutes (e.g. °C per 10 min), over a 10-minute window. */
export const RATE_WINDOW_MS = 10 * 60_000
/** A reference sample older than the window is used up to this age (sparse, threshold-reporting devices). */
const MAX_REFERENCE_AGE_MS = 60 * 60_000
/** Below this span two samples say more about sensor noise than about a trend. */
const MIN_SPAN_MS = 60_000
const MAX_SAMPLES = 1000

interface Sample {
  ts: number
  value: number
}

/**
 * Recent samples of one device's metric, for rate-of-change rules. The rate is the change
 * from the oldest sample inside the last 10 minutes to the newest, scaled to 10 minutes.
 * When the window holds less than a minute of data (a device that only reports on change),
 * the newest sample before the window serves as reference, if it is at most an hour old.
 */
export class RateWindow {
  private samples: Sample[] = []

  /** Adds a sample; returns false for one older than the newest (out of order, ignored). */
  add(ts: number, value: number): boolean {
    const last = this.samples.at(-1)
    if (last && ts < last.ts) return false
    this.samples.push({ ts, value })
    const keepFrom = ts - MAX_REFERENCE_AGE_MS
    let drop = 0
    // Keep one sample before keepFrom's window start so it can still be a reference.
    while (drop < this.samples.length - 2 && (this.samples[drop + 1] as Sample).ts < keepFrom)
      drop++
    if (this.samples.length - drop > MAX_SAMPLES) drop = this.samples.length - MAX_SAMPLES
    if (drop > 0) this.samples.splice(0, drop)
    return true
  }

  /** Change per 10 minutes, or null when there is not enough history yet. */
  rate(): number | null {
    const latest = this.samples.at(-1)
    if (!latest) return null
    const windowStart = latest.ts - RATE_WINDOW_MS
    let ref: Sample | undefined = this.samples.find((s) => s.ts >= windowStart && s.ts < latest.ts)
    if (!ref || latest.ts - ref.ts < MIN_SPAN_MS) {
      const before = this.samples.filter((s) => s.ts < windowStart).at(-1)
      if (before && latest.ts - before.ts <= MAX_REFERENCE_AGE_MS) ref = before
    }
    if (!ref || latest.ts - ref.ts < MIN_SPAN_MS) return null
    return ((latest.value - ref.value) / (latest.ts - ref.ts)) * RATE_WINDOW_MS
  }
}
