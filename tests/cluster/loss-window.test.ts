/**
 * The alert leader's loss count in isolation: what it saw against what the instances
 * acknowledged, with time moved by hand. The end-to-end counterpart (real serve processes,
 * a real kill -9) is in cluster-serve.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
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
    // Acks of messages it could not follow find the ring full: unverified as well.
    for (let fp = 16; fp <= 20; fp++) w.acked(fp, T0 + 1)
    w.expire(T0 + 5000)
    expect(w.snapshot()).toMatchObject({ lost: 5, unverified: 20, verified: 5 })
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
