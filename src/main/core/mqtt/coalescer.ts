import type { Clock, Timer } from '../base/clock'

/**
 * Collects updates by key and hands them over in batches, at most once per `intervalMs`
 * (50 ms = 20 batches a second): a flood of MQTT messages becomes a steady trickle of
 * UI events, each carrying only the latest value per key.
 */
export class Coalescer<T> {
  private pending = new Map<string, T>()
  private timer?: Timer

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly flush: (batch: T[]) => void,
    /** Larger backlogs go out over the next intervals, oldest first, so no event gets huge. */
    private readonly maxBatch = Infinity,
  ) {}

  add(key: string, value: T): void {
    this.pending.delete(key)
    this.pending.set(key, value)
    if (this.timer === undefined) {
      this.timer = this.clock.setTimeout(() => this.emit(), this.intervalMs)
    }
  }

  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    this.pending.clear()
  }

  private emit(): void {
    this.timer = undefined
    if (this.pending.size === 0) return
    const batch: T[] = []
    for (const [key, value] of this.pending) {
      if (batch.length >= this.maxBatch) break
      batch.push(value)
      this.pending.delete(key)
    }
    if (this.pending.size > 0)
      this.timer = this.clock.setTimeout(() => this.emit(), this.intervalMs)
    this.flush(batch)
  }
}
