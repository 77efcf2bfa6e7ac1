import type { ReadingPoint } from '../../../shared/contract/readings'

/**
 * The readings of one UI tick, at most `capacity` of them (the newest), kept in parallel
 * arrays so the hot path allocates nothing per reading; objects are made once per tick, for
 * the readings that are actually sent. Readings that did not fit are counted (they are
 * stored; only the live view skips them).
 */
export class UiBatch {
  private readonly devices: string[]
  private readonly metrics: string[]
  private readonly ts: Float64Array
  private readonly values: Float64Array
  private next = 0
  private count = 0
  /** Readings left out of a batch since start. */
  shed = 0

  constructor(readonly capacity: number) {
    this.devices = new Array<string>(capacity)
    this.metrics = new Array<string>(capacity)
    this.ts = new Float64Array(capacity)
    this.values = new Float64Array(capacity)
  }

  get size(): number {
    return Math.min(this.count, this.capacity)
  }

  add(deviceId: string, metric: string, ts: number, value: number): void {
    const i = this.next
    this.devices[i] = deviceId
    this.metrics[i] = metric
    this.ts[i] = ts
    this.values[i] = value
    this.next = i + 1 === this.capacity ? 0 : i + 1
    this.count++
  }

  /** The batch, oldest first, and an empty ring for the next tick. */
  take(): ReadingPoint[] {
    const size = this.size
    if (this.count > this.capacity) this.shed += this.count - this.capacity
    const start = this.count > this.capacity ? this.next : 0
    const points: ReadingPoint[] = new Array<ReadingPoint>(size)
    for (let k = 0; k < size; k++) {
      const i = (start + k) % this.capacity
      points[k] = {
        deviceId: this.devices[i]!,
        metric: this.metrics[i]!,
        ts: this.ts[i]!,
        value: this.values[i]!,
      }
    }
    this.next = 0
    this.count = 0
    return points
  }
}
