import { FifoQueue } from '../broker/fifo-queue'

export interface BackpressureGateOptions {
  /** Messages received and not yet stored. */
  queued: () => number
  /** Hold publishers back above this many queued messages… */
  highWater: number
  /** …and let them go again at or below this many. */
  lowWater: number
}

/**
 * End-to-end backpressure for the embedded broker. Each message the broker hands over comes
 * with a `release` callback; until it is called, aedes does not read more from that
 * publisher's socket (it finishes a socket read only once every message in it is done), so
 * TCP pushes back on the publisher instead of memory growing here. Below the high-water mark
 * releases are immediate; above it they wait until storage has drained to the low-water mark.
 */
export class BackpressureGate {
  private readonly held = new FifoQueue<() => void>()
  /** Times publishers were held back since start. */
  pauses = 0

  constructor(private readonly options: BackpressureGateOptions) {}

  get paused(): boolean {
    return this.held.length > 0
  }

  /** Releases now, or holds `release` until storage catches up. */
  admit(release: () => void): void {
    if (this.held.length === 0 && this.options.queued() < this.options.highWater) {
      release()
      return
    }
    if (this.held.length === 0) this.pauses++
    this.held.push(release)
  }

  /** Lets held publishers go once storage is back at the low-water mark (or `force`, at close). */
  check(force = false): void {
    if (this.held.length === 0) return
    if (!force && this.options.queued() > this.options.lowWater) return
    // Releasing may re-enter admit() synchronously; take a fixed count.
    for (let n = this.held.length; n > 0; n--) this.held.shift()?.()
  }
}
