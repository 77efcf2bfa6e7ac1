import { expect } from 'vitest'
import type { Bucket } from '../../src/shared/contract/readings'

/** One MQTT message's readings, as the ingestor hands them to ReadingsStore.add. */
export interface Message {
  deviceId: string
  ts: number
  seq?: number
  readings: { metric: string; value: number }[]
}

/** A deterministic pseudo-random source (same seed, same data, every run). */
export function seeded(seed: number): () => number {
  let state = seed
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

/**
 * `count` messages from devices a and b over [from, from + spanMs), in random (not time) order,
 * like boards replaying an offline spool; some carry seq, some one metric only, and every
 * `redeliverEvery`-th is followed later by an exact QoS 1 redelivery.
 */
export function randomMessages(options: {
  seed: number
  count: number
  from: number
  spanMs: number
  redeliverEvery?: number
}): Message[] {
  const random = seeded(options.seed)
  const messages: Message[] = []
  for (let i = 0; i < options.count; i++) {
    const deviceId = random() < 0.5 ? 'a' : 'b'
    const ts = options.from + Math.floor(random() * options.spanMs)
    const value = (): number => Math.round(random() * 1000) / 10 - 20
    const readings =
      random() < 0.2
        ? [{ metric: random() < 0.5 ? 'temperature' : 'humidity', value: value() }]
        : [
            { metric: 'temperature', value: value() },
            { metric: 'humidity', value: value() },
          ]
    const message: Message =
      random() < 0.7 ? { deviceId, ts, seq: i, readings } : { deviceId, ts, readings }
    messages.push(message)
    const every = options.redeliverEvery ?? 0
    if (every > 0 && i % every === 0 && message.seq !== undefined) {
      const later = Math.min(messages.length + Math.floor(random() * 50), messages.length)
      messages.splice(later, 0, { ...message, readings: message.readings.map((r) => ({ ...r })) })
    }
  }
  return messages
}

/** What the store must keep: every message, except a repeat of an earlier (device, ts, seq). */
export function accepted(messages: readonly Message[]): Message[] {
  const seen = new Set<string>()
  return messages.filter((m) => {
    if (m.seq === undefined) return true
    const key = `${m.deviceId}|${m.ts}|${m.seq}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * The buckets a query must return, computed from the readings themselves. `alignMs` is the
 * tier the answer is expected from (1 = raw): the range widens to whole tier buckets and the
 * width rounds up to a multiple of it.
 */
export function bruteForce(
  messages: readonly Message[],
  q: { deviceId: string; metric: string; from: number; to: number; points: number },
  alignMs: number,
): { bucketMs: number; buckets: Bucket[] } {
  const from = Math.floor(q.from / alignMs) * alignMs
  const to = Math.ceil(q.to / alignMs) * alignMs
  const width = Math.ceil(Math.max(1, Math.ceil((to - from) / q.points)) / alignMs) * alignMs
  const values = new Map<number, number[]>()
  for (const m of messages) {
    if (m.deviceId !== q.deviceId || m.ts < from || m.ts >= to) continue
    for (const r of m.readings) {
      if (r.metric !== q.metric) continue
      const t = from + Math.floor((m.ts - from) / width) * width
      values.set(t, [...(values.get(t) ?? []), r.value])
    }
  }
  const buckets = [...values.entries()]
    .sort(([x], [y]) => x - y)
    .map(([t, v]) => ({
      t,
      min: Math.min(...v),
      max: Math.max(...v),
      count: v.length,
      avg: v.reduce((sum, x) => sum + x, 0) / v.length,
    }))
  return { bucketMs: width, buckets }
}

/** Bucket by bucket: t, min, max and count exactly; avg to 9 digits (sums add in another order). */
export function expectSameBuckets(actual: readonly Bucket[], expected: readonly Bucket[]): void {
  expect(actual.map((b) => b.t)).toEqual(expected.map((b) => b.t))
  actual.forEach((bucket, i) => {
    const b = expected[i]!
    expect({ t: bucket.t, min: bucket.min, max: bucket.max, count: bucket.count }).toEqual({
      t: b.t,
      min: b.min,
      max: b.max,
      count: b.count,
    })
    expect(bucket.avg).toBeCloseTo(b.avg, 9)
  })
}
