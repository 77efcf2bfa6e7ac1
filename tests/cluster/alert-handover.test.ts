/**
 * The alert hand-over between ingest instances, with the broker replaced by a loop that
 * does what it guarantees: every ledger write of the leader reaches every instance, in
 * order. Each instance's engine goes through the same transitions (all see every reading);
 * only the leader delivers, and a change of leader neither loses nor repeats a delivery.
 */
import { describe, expect, it } from 'vitest'
import type { AlertTransition } from '../../src/main/core/alerts/alert-gate'
import { silentLogger } from '../../src/main/core/base/logger'
import { AlertHandover, type LeaderSeat } from '../../src/main/core/cluster/alert-handover'

/** A shared "broker": retained ledger messages, delivered to every instance in order. */
class Bus {
  readonly retained = new Map<string, Buffer>()
  readonly members: Instance[] = []
  /** When false, a leader's write is lost (it died before the broker had it). */
  up = true

  publish(topic: string, payload: string): void {
    const buffer = Buffer.from(payload)
    this.retained.set(topic, buffer)
    for (const m of this.members) m.handover.onLedger(topic, buffer)
  }
}

class Instance implements LeaderSeat {
  isLeader = false
  readonly delivered: string[] = []
  readonly handover: AlertHandover
  private readonly listeners = new Set<(leading: boolean) => void>()
  /** Ledger writes this instance still has to let through (then it "dies"). */
  writesLeft = Number.POSITIVE_INFINITY

  constructor(
    readonly name: string,
    private readonly bus: Bus,
  ) {
    this.handover = new AlertHandover({ seat: this, prefix: () => 'iot', logger: silentLogger })
    bus.members.push(this)
    // A new member gets the retained ledger first, as on subscribe.
    for (const [topic, payload] of bus.retained) this.handover.onLedger(topic, payload)
  }

  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async publishAsLeader(topic: string, payload: string): Promise<void> {
    if (!this.isLeader) throw new Error('not leader')
    if (this.writesLeft <= 0) {
      this.die()
      throw new Error('connection lost')
    }
    this.writesLeft--
    this.bus.publish(topic, payload)
  }

  lead(leading: boolean): void {
    this.isLeader = leading
    for (const l of this.listeners) l(leading)
  }

  die(): void {
    this.lead(false)
    this.bus.members.splice(this.bus.members.indexOf(this), 1)
  }

  /** The engine saw a transition; delivery (if any) is recorded under its description. */
  see(t: AlertTransition): void {
    this.handover.submit(t, async () => {
      this.delivered.push(`${t.phase}@${t.at}`)
    })
  }
}

const t = (phase: 'firing' | 'ok', at: number, deviceId = 'd1'): AlertTransition => ({
  ruleId: 'r1',
  deviceId,
  phase,
  at,
})

function cluster(): { bus: Bus; a: Instance; b: Instance } {
  const bus = new Bus()
  const a = new Instance('a', bus)
  const b = new Instance('b', bus)
  a.lead(true)
  return { bus, a, b }
}

async function settle(...instances: Instance[]): Promise<void> {
  for (let i = 0; i < 3; i++) for (const x of instances) await x.handover.settled()
}

describe('alert hand-over', () => {
  it('delivers each transition once, by the leader; the follower lets go once the ledger has it', async () => {
    const { a, b } = cluster()
    for (const x of [a, b]) x.see(t('firing', 1000))
    for (const x of [a, b]) x.see(t('ok', 2000))
    await settle(a, b)
    expect(a.delivered).toEqual(['firing@1000', 'ok@2000'])
    expect(b.delivered).toEqual([])
    expect(b.handover.stats.waiting).toBe(0)
  })

  it('a leader that died before delivering: the new leader delivers it, once', async () => {
    const { a, b } = cluster()
    a.writesLeft = 0
    for (const x of [a, b]) x.see(t('firing', 1000))
    await settle(a, b)
    expect(a.delivered).toEqual([])
    b.lead(true)
    await settle(b)
    expect(b.delivered).toEqual(['firing@1000'])
  })

  it('a leader that died right after delivering: the new leader does not repeat it', async () => {
    const { a, b } = cluster()
    // "delivering", the notification, "delivered": then the leader is gone.
    a.writesLeft = 2
    for (const x of [a, b]) x.see(t('firing', 1000))
    await settle(a, b)
    a.die()
    b.lead(true)
    await settle(b)
    expect(a.delivered).toEqual(['firing@1000'])
    expect(b.delivered).toEqual([])
  })

  it('a leader that died between notifying and writing "delivered": the new leader repeats that one only', async () => {
    const { a, b } = cluster()
    for (const x of [a, b]) x.see(t('firing', 1000, 'd0'))
    await settle(a, b)
    a.writesLeft = 1
    for (const x of [a, b]) x.see(t('firing', 2000))
    await settle(a, b)
    expect(a.delivered).toEqual(['firing@1000', 'firing@2000'])
    b.lead(true)
    await settle(b)
    // The one repeat the protocol allows: the receiver may have had it (at least once).
    expect(b.delivered).toEqual(['firing@2000'])
  })

  it('a change the old leader was delivering, seen here a few ms apart (own clock), is delivered once and what follows too', async () => {
    const { a, b } = cluster()
    a.writesLeft = 1
    a.see(t('firing', 1000))
    b.see(t('firing', 996))
    b.see(t('ok', 2000))
    await settle(a, b)
    b.lead(true)
    await settle(b)
    expect(b.delivered).toEqual(['firing@996', 'ok@2000'])
  })

  it('our own "delivering" message coming back late does not block the next transition', async () => {
    const { a } = cluster()
    a.see(t('firing', 1000))
    await settle(a)
    a.handover.onLedger(
      'iot/cluster/alerts/r1/d1',
      Buffer.from(JSON.stringify({ phase: 'firing', atMs: '1000', state: 'delivering' })),
    )
    a.see(t('ok', 2000))
    await settle(a)
    expect(a.delivered).toEqual(['firing@1000', 'ok@2000'])
  })

  it('while nobody leads, a crossing and its recovery are both delivered, in order, by the next leader', async () => {
    const { a, b } = cluster()
    a.die()
    b.see(t('firing', 1000))
    b.see(t('ok', 2000))
    b.see(t('firing', 3000, 'd2'))
    await settle(b)
    expect(b.delivered).toEqual([])
    b.lead(true)
    await settle(b)
    expect(b.delivered).toEqual(['firing@1000', 'ok@2000', 'firing@3000'])
  })

  it('a lagging new leader replays nothing the old leader already moved past', async () => {
    const { a, b } = cluster()
    // a delivered fire, clear, fire; b's engine is behind and has seen only the first fire.
    a.see(t('firing', 1000))
    a.see(t('ok', 2000))
    a.see(t('firing', 3000))
    b.see(t('firing', 1000))
    await settle(a, b)
    a.die()
    b.lead(true)
    // b catches up with the readings a had already evaluated.
    b.see(t('ok', 2000))
    b.see(t('firing', 3000))
    await settle(b)
    expect(a.delivered).toEqual(['firing@1000', 'ok@2000', 'firing@3000'])
    expect(b.delivered).toEqual([])
    // What happens after the hand-over is delivered as usual.
    b.see(t('ok', 4000))
    await settle(b)
    expect(b.delivered).toEqual(['ok@4000'])
  })

  it('a restarted instance learns the ledger from the retained messages and does not repeat', async () => {
    const { bus, a } = cluster()
    a.see(t('firing', 1000))
    await settle(a)
    a.die()
    const c = new Instance('c', bus)
    c.lead(true)
    // c's engine evaluates the same breach again after its start (arrival a bit later).
    c.see(t('firing', 1500))
    await settle(c)
    expect(c.delivered).toEqual([])
  })

  it('a recovery with nothing ever delivered is not announced', async () => {
    const { a } = cluster()
    a.see(t('ok', 1000))
    await settle(a)
    expect(a.delivered).toEqual([])
  })
})
