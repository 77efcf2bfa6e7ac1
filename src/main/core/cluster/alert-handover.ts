import type { Logger } from '../base/logger'
import type { AlertGate, AlertTransition } from '../alerts/alert-gate'
import { ledgerTopic } from './cluster-topics'

/** What the hand-over needs from the election. */
export interface LeaderSeat {
  readonly isLeader: boolean
  onChange(listener: (leading: boolean) => void): () => void
  publishAsLeader(topic: string, payload: string, retain: boolean): Promise<void>
}

interface LedgerEntry {
  phase: AlertTransition['phase']
  at: number
  /** false while the leader is delivering it (written before, confirmed after). */
  done: boolean
}

interface Waiting {
  transition: AlertTransition
  deliver: () => Promise<void>
}

/** Transitions a follower keeps per rule × device while no leader confirmed them. */
const MAX_WAITING = 32

/**
 * Alerts fire once across the ingest instances, and none is lost or doubled when the leader
 * changes. Every instance evaluates every reading (the watch connection sees them all), so
 * all engines go through the same transitions; only the leader delivers (notification,
 * webhook, alert state).
 *
 * The leader writes each transition to a retained ledger topic per rule × device
 * (`<prefix>/cluster/alerts/<rule>/<device>`) on its leader connection twice: "delivering"
 * before it notifies (waiting for the broker's PUBACK), "delivered" once the notification is
 * out (webhook posted). Followers keep their own transitions until the ledger confirms one at
 * least as recent. A new leader delivers what it still holds that the ledger does not show as
 * delivered: transitions the old leader never got to are delivered once, those it finished
 * are not repeated, and one it was in the middle of is delivered again (the only repeat
 * possible: the old leader died between the receiver's answer and its "delivered" write).
 * The ledger and the old leader's Will travel on the same connection, so the broker sends
 * every ledger entry of the old leader before the seat empties (§4.6).
 *
 * A transition is delivered when it changes the ledger: firing over ok (or none), ok over
 * firing, and only if it is newer (reading time) than the ledger's entry; a lagging engine
 * that replays what the ledger already moved past stays quiet.
 */
export class AlertHandover implements AlertGate {
  private readonly ledger = new Map<string, LedgerEntry>()
  private readonly waiting = new Map<string, Waiting[]>()
  private chain: Promise<void> = Promise.resolve()
  private readonly off: () => void

  constructor(
    private readonly options: { seat: LeaderSeat; prefix: () => string; logger: Logger },
  ) {
    this.off = options.seat.onChange((leading) => {
      if (leading) this.enqueue(() => this.takeOver())
    })
  }

  /** Counts for status and tests. */
  get stats(): { ledger: number; waiting: number } {
    let waiting = 0
    for (const list of this.waiting.values()) waiting += list.length
    return { ledger: this.ledger.size, waiting }
  }

  submit(transition: AlertTransition, deliver: () => Promise<void>): void {
    const k = key(transition.ruleId, transition.deviceId)
    const list = this.waiting.get(k) ?? []
    list.push({ transition, deliver })
    if (list.length > MAX_WAITING) list.splice(0, list.length - MAX_WAITING)
    this.waiting.set(k, list)
    if (this.options.seat.isLeader) this.enqueue(() => this.drain(k))
  }

  /** A retained or live ledger message (from the election's watch connection). */
  onLedger(topic: string, payload: Buffer): void {
    const prefix = `${this.options.prefix()}/cluster/alerts/`
    if (!topic.startsWith(prefix)) return
    const [ruleId, deviceId, extra] = topic.slice(prefix.length).split('/')
    if (!ruleId || !deviceId || extra !== undefined) return
    const entry = parseEntry(payload)
    const k = key(ruleId, deviceId)
    if (!entry) return void this.ledger.delete(k)
    const known = this.ledger.get(k)
    // Newer wins; at the same time "delivered" wins over our own "delivering" coming back late.
    if (!known || entry.at > known.at || (entry.at === known.at && (entry.done || !known.done)))
      this.ledger.set(k, entry)
    // What the leader delivered (or moved past) needs no delivery from us. While it is still
    // delivering, keep everything: if it dies now, our own view of that change (its time
    // may differ by a few ms on time-based rules) is what the next leader delivers.
    const list = this.waiting.get(k)
    if (!list || !entry.done) return
    for (let i = list.length - 1; i >= 0; i--)
      if (list[i]!.transition.at <= entry.at) list.splice(i, 1)
    if (list.length === 0) this.waiting.delete(k)
  }

  async settled(): Promise<void> {
    await this.chain
  }

  close(): void {
    this.off()
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.options.logger.error('alert hand-over step failed', { error })
    })
  }

  private async write(topic: string, t: AlertTransition, done: boolean): Promise<void> {
    await this.options.seat.publishAsLeader(
      topic,
      JSON.stringify({
        phase: t.phase,
        at: new Date(t.at).toISOString(),
        atMs: String(t.at),
        state: done ? 'delivered' : 'delivering',
      }),
      true,
    )
  }

  private async takeOver(): Promise<void> {
    const keys = [...this.waiting.keys()]
    this.options.logger.info('alert leader: resuming', { pending: keys.length })
    for (const k of keys) await this.drain(k)
  }

  /** Delivers, in order, what this instance holds for one rule × device that the ledger lacks. */
  private async drain(k: string): Promise<void> {
    const list = this.waiting.get(k)
    while (list && list.length > 0 && this.options.seat.isLeader) {
      const item = list[0]!
      const { transition, deliver } = item
      const known = this.ledger.get(k)
      if (changes(known, transition)) {
        const topic = ledgerTopic(this.options.prefix(), transition.ruleId, transition.deviceId)
        try {
          await this.write(topic, transition, false)
          this.ledger.set(k, { phase: transition.phase, at: transition.at, done: false })
          await deliver()
          await this.write(topic, transition, true)
          this.ledger.set(k, { phase: transition.phase, at: transition.at, done: true })
        } catch (error) {
          // No longer leading: whoever leads next delivers it (it is still waiting here too).
          this.options.logger.warn('alert hand-over: ledger write failed', { error })
          return
        }
      }
      // By identity: our own ledger message may have come back and pruned the list meanwhile.
      const i = list.indexOf(item)
      if (i >= 0) list.splice(i, 1)
    }
    if (list && list.length === 0 && this.waiting.get(k) === list) this.waiting.delete(k)
  }
}

/** Whether delivering `t` is due, given what the ledger says was delivered. */
function changes(known: LedgerEntry | undefined, t: AlertTransition): boolean {
  if (!known) return t.phase === 'firing'
  // The previous leader died while delivering this change: deliver it (again). Same phase
  // whatever the time: time-based rules (offline, stale, "for N minutes") fire on each
  // instance's own clock, a few ms apart. Older ones were pruned when the ledger passed them.
  if (!known.done) return known.phase === t.phase || t.at > known.at
  return known.phase !== t.phase && t.at > known.at
}

function key(ruleId: string, deviceId: string): string {
  return `${ruleId}\u0000${deviceId}`
}

/**
 * `{"phase":"firing","at":"<ISO>","atMs":"<epoch ms>","state":"delivered"}`: no top-level
 * numbers, so no parser takes it for a sensor.
 */
function parseEntry(payload: Buffer): LedgerEntry | null {
  if (payload.length === 0) return null
  try {
    const v = JSON.parse(payload.toString('utf8')) as {
      phase?: unknown
      atMs?: unknown
      state?: unknown
    }
    const at = Number(v.atMs)
    if ((v.phase !== 'firing' && v.phase !== 'ok') || !Number.isFinite(at)) return null
    return { phase: v.phase, at, done: v.state !== 'delivering' }
  } catch {
    return null
  }
}
