/**
 * The alert leader's loss count in isolation: what it saw against what the instances
 * acknowledged, with time moved by hand. The end-to-end counterpart (real serve processes,
 * a real kill -9) is in cluster-serve.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { createLogger, silentLogger } from '../../src/main/core/base/logger'
import { LossCounter } from '../../src/main/core/cluster/loss-counter'
import { LossWindow } from '../../src/main/core/cluster/loss-window'
import { StoredAcks } from '../../src/main/core/cluster/stored-acks'
import {
  decodeAck,
  encodeAck,
  MAX_PER_ACK,
  storedFingerprint,
} from '../../src/main/core/cluster/stored-fingerprint'
import type { MqttMessage } from '../../src/shared/mqtt-message'
import { FakeClock } from '../helpers/fake-clock'

const T0 = 1_000_000

function message(topic: string, payload: string, source = 'cluster-watch'): MqttMessage {
  return {
    topic,
    payload: Buffer.from(payload),
    qos: 1,
    retain: false,
    receivedAt: Date.now(),
    source,
  }
}

describe('LossWindow', () => {
  it('counts what nobody acknowledged within the window as lost, per device', () => {
    const w = new LossWindow({ windowMs: 1000, capacity: 100 })
    for (let fp = 1; fp <= 10; fp++) w.seen(fp, fp <= 5 ? 'a' : 'b', T0)
    // Acks in any order, some before the watch connection saw theirs.
    for (const fp of [2, 4, 6, 8, 10, 11]) w.acked(fp, T0 + 100)
    w.seen(11, 'b', T0 + 200)
    w.expire(T0 + 999)
    expect(w.snapshot().lost).toBe(0)
    w.expire(T0 + 1000)
    const s = w.snapshot()
    expect(s.lost).toBe(5)
    expect(s.verified).toBe(6)
    // The ack that came before its message leaves the window without making it a loss.
    w.expire(T0 + 1200)
    const after = w.snapshot()
    expect(after.verified).toBe(6)
    expect(after.lost).toBe(5)
    expect(Object.fromEntries(after.recent.map((d) => [d.deviceId, d.lost]))).toEqual({
      a: 3,
      b: 2,
    })
    expect(w.held).toBe(0)
  })

  it('matches repeated identical messages as a multiset', () => {
    const w = new LossWindow({ windowMs: 1000, capacity: 100 })
    w.seen(7, 'a', T0)
    w.seen(7, 'a', T0 + 10)
    w.seen(7, 'a', T0 + 20)
    w.acked(7, T0 + 30)
    w.acked(7, T0 + 40)
    w.expire(T0 + 5000)
    expect(w.snapshot()).toMatchObject({ lost: 1, verified: 2 })
  })

  it('takes a loss back when its acknowledgement comes late, and a sighting after its ack', () => {
    const w = new LossWindow({ windowMs: 1000, capacity: 100 })
    w.seen(1, 'a', T0)
    w.expire(T0 + 1500)
    expect(w.snapshot().lost).toBe(1)
    w.acked(1, T0 + 1600)
    expect(w.snapshot()).toMatchObject({ lost: 0, late: 1, recent: [] })
    // The other way round: an ack long before its message reached the leader's watch.
    w.acked(2, T0 + 2000)
    w.expire(T0 + 3500)
    w.seen(2, 'a', T0 + 3600)
    w.expire(T0 + 9000)
    expect(w.snapshot()).toMatchObject({ lost: 0, verified: 1 })
  })

  it('stays within its capacity and counts the overflow as unverified, not lost', () => {
    const w = new LossWindow({ windowMs: 1000, capacity: 10 })
    for (let fp = 1; fp <= 25; fp++) w.seen(fp, 'a', T0)
    expect(w.held).toBe(10)
    expect(w.snapshot().unverified).toBe(15)
    for (let fp = 1; fp <= 5; fp++) w.acked(fp, T0 + 1)
    // Acks that find the ring full are kept aside: their messages, coming later, match them.
    for (let fp = 30; fp <= 34; fp++) w.acked(fp, T0 + 1)
    w.expire(T0 + 5000)
    expect(w.snapshot()).toMatchObject({ lost: 5, unverified: 15, verified: 5 })
    for (let fp = 30; fp <= 34; fp++) w.seen(fp, 'a', T0 + 5001)
    w.expire(T0 + 9000)
    expect(w.snapshot()).toMatchObject({ lost: 5, unverified: 15, verified: 10 })
    expect(w.held).toBe(0)
  })
})

describe('stored fingerprints and acknowledgements', () => {
  it('differ by device, topic and payload, and survive the ack encoding', () => {
    const m = message('iot/a/telemetry', '{"temperature":21,"seq":1}')
    const fp = storedFingerprint(m, 'a')
    expect(storedFingerprint({ ...m, source: 'cluster-store', receivedAt: 5 }, 'a')).toBe(fp)
    expect(storedFingerprint(m, 'b')).not.toBe(fp)
    expect(
      storedFingerprint(message('iot/a/telemetrx', '{"temperature":21,"seq":1}'), 'a'),
    ).not.toBe(fp)
    expect(
      storedFingerprint(message('iot/a/telemetry', '{"temperature":21,"seq":2}'), 'a'),
    ).not.toBe(fp)
    expect(Number.isSafeInteger(fp)).toBe(true)
    const fps = [fp, 0, 2 ** 52 - 1]
    expect(decodeAck(encodeAck(fps))).toEqual(fps)
  })

  it('refuses what is not an acknowledgement', () => {
    expect(decodeAck(Buffer.from('hello'))).toBeNull()
    expect(decodeAck(Buffer.alloc(0))).toBeNull()
    expect(decodeAck(encodeAck([0.5]))).toBeNull()
    expect(decodeAck(encodeAck([Number.NaN]))).toBeNull()
    expect(decodeAck(Buffer.alloc((MAX_PER_ACK + 1) * 8))).toBeNull()
  })
})

describe('StoredAcks', () => {
  it('acknowledges only once the store has nothing pending, in chunks, and keeps them while offline', () => {
    const clock = new FakeClock()
    let pending = 0
    let flushes = 0
    let online = false
    const published: number[][] = []
    const acks = new StoredAcks({
      store: {
        flush: async () => {
          flushes++
        },
        get pending() {
          return pending
        },
      },
      publish: (payload) => {
        if (!online) return false
        published.push(decodeAck(payload)!)
        return true
      },
      clock,
      logger: silentLogger,
      everyMs: 250,
    })
    const n = MAX_PER_ACK + 10
    for (let i = 0; i < n; i++)
      acks.stored(message(`iot/d${i % 7}/telemetry`, `{"seq":${i}}`), `d${i % 7}`)
    pending = 3
    clock.advance(250)
    expect(flushes).toBe(1)
    expect(published).toHaveLength(0)
    pending = 0
    clock.advance(250)
    expect(published).toHaveLength(0)
    online = true
    clock.advance(250)
    expect(published.map((p) => p.length)).toEqual([MAX_PER_ACK, 10])
    expect(published.flat()[5]).toBe(
      storedFingerprint(message('iot/d5/telemetry', '{"seq":5}'), 'd5'),
    )
    expect(acks.sent).toBe(n)
    clock.advance(1000)
    expect(published).toHaveLength(2)
    acks.close()
    expect(clock.pending).toBe(0)
  })
})

describe('LossCounter', () => {
  function setup(leading: boolean) {
    const clock = new FakeClock()
    const lines: { level: string; message: string; fields?: unknown }[] = []
    const counter = new LossCounter({
      leading: () => leading,
      clock,
      logger: createLogger({ sink: (e) => lines.push(e), now: () => clock.now() }),
      windowMs: 1000,
      logEveryMs: 10_000,
    })
    return { clock, lines, counter }
  }

  it('logs counts once per interval on the leader, never payloads', () => {
    const { clock, lines, counter } = setup(true)
    const secret = '{"temperature":21.5,"seq":1,"note":"payload-text"}'
    const stored = message('iot/barn/telemetry', secret)
    counter.seen(stored, 'barn')
    counter.seen(message('iot/barn/telemetry', secret.replace('1', '2')), 'barn')
    counter.onAck(encodeAck([storedFingerprint(stored, 'barn')]))
    counter.onAck(Buffer.from('not an ack'))
    clock.advance(10_000)
    const warn = lines.filter((l) => l.level === 'warn')
    expect(warn).toHaveLength(1)
    expect(warn[0]!.fields).toMatchObject({ lost: 1, totalLost: 1, devices: 'barn×1' })
    expect(JSON.stringify(lines)).not.toContain('payload-text')
    expect(counter.snapshot()).toMatchObject({ leader: true, lost: 1, verified: 1, badAcks: 1 })
    // Nothing new: no new line.
    clock.advance(30_000)
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1)
    counter.close()
    expect(clock.pending).toBe(0)
  })

  it('counts on every instance, but only the leader logs', () => {
    const { clock, lines, counter } = setup(false)
    counter.seen(message('iot/barn/telemetry', '{"seq":9}'), 'barn')
    clock.advance(20_000)
    expect(counter.snapshot()).toMatchObject({ leader: false, lost: 1 })
    expect(lines).toHaveLength(0)
    counter.close()
  })
})

describe('LossWindow at 10,000 messages per second', () => {
  it('holds at most rate × window × 2 events, and a cap too small only makes them unverified', () => {
    const rate = 10_000
    const windowMs = 2000
    const run = (
      capacity: number,
    ): { held: number; figures: ReturnType<LossWindow['snapshot']> } => {
      const w = new LossWindow({ windowMs, capacity })
      let held = 0
      // 10 s of traffic in 10 ms steps; every ack 300 ms after its message (a lagging store).
      const lag: number[] = []
      for (let t = 0; t < 10_000; t += 10) {
        for (let i = 0; i < rate / 100; i++) {
          const fp = t * 1000 + i
          w.seen(fp, `d${i % 100}`, T0 + t)
          lag.push(fp)
        }
        while (lag.length > (rate * 300) / 1000) w.acked(lag.shift()!, T0 + t)
        w.expire(T0 + t)
        held = Math.max(held, w.held)
      }
      for (const fp of lag) w.acked(fp, T0 + 10_000)
      w.expire(T0 + 20_000)
      return { held, figures: w.snapshot() }
    }
    const started = performance.now()
    const roomy = run(250_000)
    const ms = performance.now() - started
    expect(roomy.held).toBeLessThanOrEqual((rate * windowMs * 2) / 1000)
    expect(roomy.figures).toMatchObject({ lost: 0, unverified: 0, verified: 100_000 })
    const tight = run(5000)
    expect(tight.held).toBeLessThanOrEqual(5000)
    expect(tight.figures.unverified).toBeGreaterThan(0)
    expect(tight.figures.lost).toBe(0)
    process.stdout.write(`loss window: 100,000 messages + acks in ${Math.round(ms)} ms\n`)
  })
})
