/** Devices kept in the recent-loss list (most recent first). */
const RECENT_DEVICES = 20

export interface LossWindowOptions {
  /** A message not acknowledged this long after it was seen is counted lost (ms). */
  windowMs: number
  /** Events (seen + acknowledged) held at most: the memory bound. */
  capacity: number
  /** Lost and surplus fingerprints remembered after their window, to settle late arrivals. */
  lateCapacity?: number
}

export interface LossFigures {
  /** Messages seen on the watch connection that no instance acknowledged in time. */
  lost: number
  /** Messages not followed because the window was full: neither verified nor counted lost. */
  unverified: number
  /** Acknowledgements that came after their message had been counted lost (taken back). */
  late: number
  /** Messages matched with an acknowledgement. */
  verified: number
  /** Per device, lost messages, the devices with the most recent loss first. */
  recent: { deviceId: string; lost: number; lastAt: number }[]
}

/**
 * An ingest instance's matching of "seen" (its watch connection: every message) against
 * "acknowledged as stored" (the ingest instances' acks), by fingerprint, as a multiset.
 * A sighting or an ack that meets an open one of the other kind settles both at once
 * (verified); otherwise it waits in a ring, in arrival order. A sighting still open when it
 * leaves the ring (older than the window) is lost; an ack still open is a surplus (a
 * redelivery two instances stored, or a message stored before this instance started).
 * Lost and surplus fingerprints are remembered a little longer (bounded), so an ack or a
 * sighting arriving later than the window takes the count back.
 * Memory: the ring (fixed typed arrays), `net` (at most `capacity` keys), the late maps.
 */
export class LossWindow {
  private readonly fps: Float64Array
  private readonly at: Float64Array
  private readonly kinds: Int8Array
  private readonly devices: (string | undefined)[]
  private head = 0
  private size = 0
  private readonly net = new Map<number, number>()
  private readonly lostLate = new Map<number, string>()
  private readonly surplusLate = new Map<number, number>()
  private readonly perDevice = new Map<string, { lost: number; lastAt: number }>()
  private readonly lateCapacity: number
  private readonly figures = { lost: 0, unverified: 0, late: 0, verified: 0 }

  constructor(private readonly options: LossWindowOptions) {
    const n = options.capacity
    this.fps = new Float64Array(n)
    this.at = new Float64Array(n)
    this.kinds = new Int8Array(n)
    this.devices = new Array<string | undefined>(n)
    this.lateCapacity = options.lateCapacity ?? 20_000
  }

  /** The watch connection saw a message an instance should store. */
  seen(fp: number, deviceId: string, now: number): void {
    const net = this.net.get(fp) ?? 0
    if (net < 0) return this.match(fp, net)
    const surplus = this.surplusLate.get(fp)
    if (surplus !== undefined) {
      // Its ack came (and expired) first: the watch connection was behind, nothing is lost.
      if (surplus <= 1) this.surplusLate.delete(fp)
      else this.surplusLate.set(fp, surplus - 1)
      this.figures.verified++
      return
    }
    if (!this.push(fp, 1, deviceId, now)) this.figures.unverified++
  }

  /** An instance acknowledged a stored message. */
  acked(fp: number, now: number): void {
    const net = this.net.get(fp) ?? 0
    if (net > 0) return this.match(fp, net)
    const device = this.lostLate.get(fp)
    if (device !== undefined) {
      // Counted lost already: the instance was behind by more than the window. Take it back.
      this.lostLate.delete(fp)
      this.figures.lost--
      this.figures.late++
      const d = this.perDevice.get(device)
      if (d && --d.lost <= 0) this.perDevice.delete(device)
      return
    }
    // Not matched: held until its message shows up or the window passes. A full ring keeps
    // it with the late ones instead, so its message, if it comes, is not counted lost.
    if (!this.push(fp, -1, undefined, now))
      remember(this.surplusLate, fp, (this.surplusLate.get(fp) ?? 0) + 1, this.lateCapacity)
  }

  /**
   * Settles every event older than the window. `net` counts the *unmatched* events per
   * fingerprint (positive: seen, negative: acknowledged); an event that leaves while its
   * kind is still unmatched is lost (seen) or surplus (ack). With repeats of one
   * fingerprint the oldest is settled first: the count is right, its moment may be early.
   */
  expire(now: number): void {
    const limit = now - this.options.windowMs
    const cap = this.options.capacity
    while (this.size > 0 && this.at[this.head]! <= limit) {
      const i = this.head
      const fp = this.fps[i]!
      const kind = this.kinds[i]!
      const device = this.devices[i]
      this.devices[i] = undefined
      this.head = (i + 1) % cap
      this.size--
      const net = this.net.get(fp) ?? 0
      if (kind > 0 && net > 0) {
        this.lose(fp, device ?? '?', this.at[i]!)
        this.setNet(fp, net - 1)
      } else if (kind < 0 && net < 0) {
        remember(this.surplusLate, fp, (this.surplusLate.get(fp) ?? 0) + 1, this.lateCapacity)
        this.setNet(fp, net + 1)
      }
    }
  }

  /** Held events (the memory in use, out of `capacity`). */
  get held(): number {
    return this.size
  }

  snapshot(): LossFigures {
    const recent = [...this.perDevice]
      .map(([deviceId, d]) => ({ deviceId, lost: d.lost, lastAt: d.lastAt }))
      .sort((x, y) => y.lastAt - x.lastAt)
    return { ...this.figures, recent }
  }

  private lose(fp: number, deviceId: string, at: number): void {
    this.figures.lost++
    remember(this.lostLate, fp, deviceId, this.lateCapacity)
    const d = this.perDevice.get(deviceId)
    if (d) {
      d.lost++
      d.lastAt = at
      // Map order = recency: move it to the end.
      this.perDevice.delete(deviceId)
      this.perDevice.set(deviceId, d)
    } else {
      this.perDevice.set(deviceId, { lost: 1, lastAt: at })
      if (this.perDevice.size > RECENT_DEVICES) {
        const oldest = this.perDevice.keys().next().value
        if (oldest !== undefined) this.perDevice.delete(oldest)
      }
    }
  }

  /** A sighting meets an open ack, or an ack an open sighting. */
  private match(fp: number, net: number): void {
    this.setNet(fp, net > 0 ? net - 1 : net + 1)
    this.figures.verified++
  }

  private setNet(fp: number, net: number): void {
    if (net === 0) this.net.delete(fp)
    else this.net.set(fp, net)
  }

  private push(fp: number, kind: 1 | -1, deviceId: string | undefined, now: number): boolean {
    const cap = this.options.capacity
    if (this.size >= cap) return false
    const i = (this.head + this.size) % cap
    this.fps[i] = fp
    this.at[i] = now
    this.kinds[i] = kind
    this.devices[i] = deviceId
    this.size++
    this.setNet(fp, (this.net.get(fp) ?? 0) + kind)
    return true
  }
}

/** Sets a key in a map used as a bounded FIFO: the oldest key goes past `cap`. */
function remember<V>(map: Map<number, V>, key: number, value: V, cap: number): void {
  map.delete(key)
  map.set(key, value)
  if (map.size > cap) {
    const oldest = map.keys().next().value
    if (oldest !== undefined) map.delete(oldest)
  }
}
