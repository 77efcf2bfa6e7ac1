import type { ClusterLoss } from '../../../shared/contract/ingest'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { LossWindow } from './loss-window'
import { decodeAck, storedFingerprint } from './stored-fingerprint'

export interface LossCounterOptions {
  /** Whether this instance is the alert leader now (only the leader writes the log line). */
  leading: () => boolean
  clock: Clock
  logger: Logger
  /** Unacknowledged this long after the leader saw it = lost (ms, default 5,000). */
  windowMs?: number
  /** Events held at most (default 250,000: 10k msg/s seen and acked over 10 s fit). */
  capacity?: number
  /** A summary line at most this often, when something was lost or unverified (ms, default 30,000). */
  logEveryMs?: number
  /** This instance's acknowledgements given up (StoredAcks.dropped), for the figures. */
  ackDropped?: () => number
}

/**
 * The count of messages the cluster lost: every message this instance's watch connection
 * sees that an ingest instance should store, against the instances' acknowledgements
 * (`<prefix>/cluster/stored/<group>/<instance>`, StoredAcks). Every ingest instance counts, not only
 * the alert leader: a killed leader would take its count, and the loss its death caused,
 * with it, while the survivors' counts hold both. Only the leader logs (counts, never
 * payloads), so the log has one line per interval for the cluster.
 */
export class LossCounter {
  private readonly window: LossWindow
  private readonly tickTimer: Timer
  private readonly logTimer: Timer
  private logged = { lost: 0, unverified: 0, late: 0 }
  private readonly windowMs: number
  private readonly capacity: number
  /** Acknowledgement messages that were no acknowledgement (bad payload). */
  private badAcks = 0

  constructor(private readonly options: LossCounterOptions) {
    this.windowMs = options.windowMs ?? 5000
    this.capacity = options.capacity ?? 250_000
    this.window = new LossWindow({ windowMs: this.windowMs, capacity: this.capacity })
    this.tickTimer = options.clock.setInterval(
      () => this.window.expire(options.clock.now()),
      Math.max(50, Math.min(1000, this.windowMs / 4)),
    )
    this.logTimer = options.clock.setInterval(() => this.log(), options.logEveryMs ?? 30_000)
    for (const t of [this.tickTimer, this.logTimer])
      if (typeof t === 'object' && t !== null && 'unref' in t) t.unref?.()
  }

  /** The watch connection saw a message some ingest instance should store. */
  seen(message: MqttMessage, deviceId: string): void {
    this.window.seen(storedFingerprint(message, deviceId), deviceId, this.options.clock.now())
  }

  /** An acknowledgement message from any ingest instance (this one too). */
  onAck(payload: Buffer): void {
    const fps = decodeAck(payload)
    if (fps === null) {
      this.badAcks++
      return
    }
    const now = this.options.clock.now()
    for (const fp of fps) this.window.acked(fp, now)
  }

  /** Messages and acks in the window (0: every figure is final). */
  get held(): number {
    return this.window.held
  }

  snapshot(): ClusterLoss {
    const figures = this.window.snapshot()
    return {
      leader: this.options.leading(),
      windowMs: this.windowMs,
      lost: figures.lost,
      unverified: figures.unverified,
      late: figures.late,
      verified: figures.verified,
      held: this.window.held,
      capacity: this.capacity,
      badAcks: this.badAcks,
      ackDropped: this.options.ackDropped?.() ?? 0,
      recent: figures.recent.slice(0, 20),
    }
  }

  close(): void {
    this.options.clock.clearInterval(this.tickTimer)
    this.options.clock.clearInterval(this.logTimer)
  }

  private log(): void {
    if (!this.options.leading()) return
    const f = this.window.snapshot()
    const lost = f.lost - this.logged.lost
    const unverified = f.unverified - this.logged.unverified
    const late = f.late - this.logged.late
    if (lost === 0 && unverified === 0 && late === 0) return
    this.logged = { lost: f.lost, unverified: f.unverified, late: f.late }
    this.options.logger.warn('cluster loss: messages no ingest instance acknowledged as stored', {
      lost,
      unverified,
      lateAcks: late,
      totalLost: f.lost,
      totalUnverified: f.unverified,
      devices: f.recent
        .slice(0, 5)
        .map((d) => `${d.deviceId}×${d.lost}`)
        .join(' '),
    })
  }
}
