import type { Clock, Timer } from '../../src/main/core/base/clock'

interface Scheduled {
  id: number
  at: number
  every: number | null
  fn: () => void
}

/**
 * A Clock whose time moves only when a test says so. `advance(ms)` runs every timer due in
 * that span, in time order, with `now()` set to each timer's due time while it runs.
 */
export class FakeClock implements Clock {
  private time: number
  private nextId = 1
  private readonly timers = new Map<number, Scheduled>()

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, null)
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, Math.max(1, ms))
  }

  clearTimeout(timer: Timer): void {
    this.timers.delete((timer as { id: number }).id)
  }

  clearInterval(timer: Timer): void {
    this.clearTimeout(timer)
  }

  /** Timers still scheduled (for leak checks). */
  get pending(): number {
    return this.timers.size
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      let next: Scheduled | undefined
      for (const t of this.timers.values())
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id)))
          next = t
      if (!next) break
      this.time = Math.max(this.time, next.at)
      if (next.every === null) this.timers.delete(next.id)
      else next.at += next.every
      next.fn()
    }
    this.time = end
  }

  private schedule(fn: () => void, ms: number, every: number | null): Timer {
    const id = this.nextId++
    this.timers.set(id, { id, at: this.time + Math.max(0, ms), every, fn })
    return { id }
  }
}
