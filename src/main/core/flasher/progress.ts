/** Speed and time-left for a transfer, from a sliding window of (time, bytes) samples. */
export interface Rate {
  percent: number | null
  bytesPerSecond: number
  etaSeconds: number | null
}

export class RateMeter {
  private samples: Array<{ at: number; bytes: number }> = []
  private readonly now: () => number
  private readonly windowMs: number

  /** `now` comes from the injected clock, so tests can drive time. */
  constructor(now: () => number, windowMs = 3000) {
    this.now = now
    this.windowMs = windowMs
  }

  /** Starts (or restarts) at `bytes` already done, e.g. a resumed download. */
  reset(bytes = 0): void {
    this.samples = [{ at: this.now(), bytes }]
  }

  update(bytesDone: number, bytesTotal: number | null): Rate {
    const at = this.now()
    if (this.samples.length === 0) this.samples.push({ at, bytes: bytesDone })
    this.samples.push({ at, bytes: bytesDone })
    // Keep one sample older than the window so the rate spans the whole window.
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) > this.windowMs)
      this.samples.shift()
    const first = this.samples[0] ?? { at, bytes: bytesDone }
    const elapsed = (at - first.at) / 1000
    const bytesPerSecond = elapsed > 0 ? Math.max(0, (bytesDone - first.bytes) / elapsed) : 0
    const known = bytesTotal !== null && bytesTotal > 0
    const percent = known ? Math.min(100, (bytesDone / bytesTotal) * 100) : null
    const left = known ? Math.max(0, bytesTotal - bytesDone) : null
    const etaSeconds =
      left === null ? null : left === 0 ? 0 : bytesPerSecond > 0 ? left / bytesPerSecond : null
    return { percent, bytesPerSecond, etaSeconds }
  }
}
