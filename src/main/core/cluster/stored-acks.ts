import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import type { HistoryStore } from '../readings/history-store'
import { encodeAck, MAX_PER_ACK, storedFingerprint } from './stored-fingerprint'

export interface StoredAcksOptions {
  /** The history store: an ack goes out only once what it names is durable there. */
  store: Pick<HistoryStore, 'flush' | 'pending'>
  /** Publishes one acknowledgement (QoS 1, not retained); false when not connected now. */
  publish: (payload: Buffer) => boolean
  clock: Clock
  logger: Logger
  /** How often stored messages are made durable and acknowledged (ms, default 250). */
  everyMs?: number
  /** Fingerprints held while the broker or the store is away; the oldest go past this. */
  capacity?: number
}

/**
 * An ingest instance's acknowledgements of what it stored from its shared subscription:
 * every `everyMs` it makes the store's buffer durable (`flush`: SQLite commits, InfluxDB's
 * buffer goes to its on-disk queue, both synchronously) and, once `pending` reads 0, publishes
 * the fingerprints of the messages it holds to `<prefix>/cluster/stored/<group>/<instance>`. So an
 * ack always follows durability; the reverse gap (durable, then killed before the ack went
 * out) is at most one interval of messages, which the leader then counts as lost.
 */
export class StoredAcks {
  private buffer: number[] = []
  private readonly timer: Timer
  /** Fingerprints given up while the broker was unreachable for long (counted lost by the leader). */
  dropped = 0
  sent = 0

  constructor(private readonly options: StoredAcksOptions) {
    this.timer = options.clock.setInterval(() => this.tick(), options.everyMs ?? 250)
    if (typeof this.timer === 'object' && this.timer !== null && 'unref' in this.timer)
      this.timer.unref?.()
  }

  /** Called right after the store accepted this message's readings for `deviceId`. */
  stored(message: MqttMessage, deviceId: string): void {
    this.buffer.push(storedFingerprint(message, deviceId))
    const cap = this.options.capacity ?? 200_000
    if (this.buffer.length > cap) {
      const excess = this.buffer.length - cap
      this.buffer.splice(0, excess)
      this.dropped += excess
    }
  }

  /** Makes the held messages durable and acknowledges them (also the timer's job). */
  tick(): void {
    if (this.buffer.length === 0) return
    const { store } = this.options
    store.flush().catch((error: unknown) => this.options.logger.warn('flush failed', { error }))
    // Still pending after a synchronous flush: the store is failing and retrying; wait.
    if (store.pending > 0) return
    let from = 0
    while (from < this.buffer.length) {
      const chunk = this.buffer.slice(from, from + MAX_PER_ACK)
      if (!this.options.publish(encodeAck(chunk))) break
      from += chunk.length
    }
    this.sent += from
    this.buffer = from >= this.buffer.length ? [] : this.buffer.slice(from)
  }

  /** Acknowledges what is held one last time (a clean shutdown). */
  close(): void {
    this.options.clock.clearInterval(this.timer)
    this.tick()
  }
}
