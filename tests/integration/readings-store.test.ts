import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { ReadingsStore, type StoredReading } from '../../src/main/core/readings/readings-store'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

const DAY = 86_400_000
let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let retentionDays: number
let store: ReadingsStore

function open(options: { batchSize?: number } = {}): ReadingsStore {
  return new ReadingsStore({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    retentionDays: () => retentionDays,
    ...options,
  })
}

/** Rows as another connection sees them: proves what is on disk, not in the buffer. */
function rowsOnDisk(): number {
  const db = new DatabaseSync(join(dir.path, 'readings.sqlite'), { readOnly: true })
  try {
    return Number((db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n)
  } finally {
    db.close()
  }
}

function reading(
  deviceId: string,
  metric: string,
  ts: number,
  value: number,
  seq?: number,
): StoredReading {
  return seq === undefined ? { deviceId, metric, ts, value } : { deviceId, metric, ts, value, seq }
}

beforeEach(async () => {
  dir = await tempDir('readings-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  retentionDays = 30
  store = open()
})

afterEach(async () => {
  store.close()
  await dir.cleanup()
})

describe('ReadingsStore', () => {
  it('buffers writes and commits them after 250 ms, or at once past the batch size', () => {
    store.add([reading('d', 'temperature', clock.now(), 21)])
    expect(rowsOnDisk()).toBe(0)
    clock.advance(249)
    expect(rowsOnDisk()).toBe(0)
    clock.advance(1)
    expect(rowsOnDisk()).toBe(1)

    store.close()
    store = open({ batchSize: 100 })
    store.add(Array.from({ length: 100 }, (_, i) => reading('d', 'humidity', clock.now() + i, i)))
    expect(rowsOnDisk()).toBe(101)
  })

  it('writes buffered rows on close and keeps them across reopen', () => {
    store.add([
      reading('d', 'temperature', clock.now(), 21),
      reading('d', 'humidity', clock.now(), 40),
    ])
    store.close()
    store = open()
    expect(store.count()).toBe(2)
    expect(store.latest('d')).toEqual([
      { deviceId: 'd', metric: 'humidity', ts: clock.now(), value: 40 },
      { deviceId: 'd', metric: 'temperature', ts: clock.now(), value: 21 },
    ])
  })

  it('drops exact redeliveries (same device, metric, ts and seq) but keeps rows without seq', () => {
    const t = clock.now()
    store.add([
      reading('d', 'temperature', t, 21, 5),
      reading('d', 'temperature', t, 21, 5),
      reading('d', 'temperature', t, 21, 6),
    ])
    store.add([reading('d', 'temperature', t, 21), reading('d', 'temperature', t, 21)])
    expect(store.count()).toBe(4)
    expect(store.stats.duplicates).toBe(1)
  })

  it('keeps the newest value as latest even when older readings arrive later', () => {
    const t = clock.now()
    store.add([
      reading('a', 'temperature', t, 20),
      reading('a', 'temperature', t - 60_000, 10),
      reading('b', 'temperature', t, 5),
    ])
    expect(store.latest()).toEqual([
      { deviceId: 'a', metric: 'temperature', ts: t, value: 20 },
      { deviceId: 'b', metric: 'temperature', ts: t, value: 5 },
    ])
  })

  it('prunes readings older than the retention period on open and every hour', () => {
    const now = clock.now()
    store.add([
      reading('d', 'temperature', now - 31 * DAY, 1),
      reading('d', 'temperature', now - 29 * DAY, 2),
      reading('d', 'humidity', now - 30 * DAY - 1, 3),
      reading('d', 'humidity', now - 1000, 4),
    ])
    store.close()
    store = open() // prune on open
    expect([...store.iterate({ from: 0, to: now + 1 })].map((r) => r.value).sort()).toEqual([2, 4])

    retentionDays = 1
    clock.advance(3_600_000) // hourly prune with the new setting
    expect([...store.iterate({ from: 0, to: clock.now() })].map((r) => r.value)).toEqual([4])
    // A series whose readings are all gone has no latest value either.
    expect(store.latest('d').map((r) => r.metric)).toEqual(['humidity'])
  })

  it('downsamples in SQL exactly like a brute-force computation over random data', () => {
    let seed = 42
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const from = clock.now() - DAY
    const rows: StoredReading[] = []
    for (let i = 0; i < 5000; i++) {
      const device = random() < 0.5 ? 'a' : 'b'
      rows.push(
        reading(
          device,
          random() < 0.5 ? 'temperature' : 'humidity',
          from - 3_600_000 + Math.floor(random() * (DAY + 7_200_000)),
          Math.round(random() * 1000) / 10 - 20,
        ),
      )
    }
    store.add(rows)
    for (const [qFrom, qTo, points] of [
      [from, from + DAY, 97],
      [from + 12_345, from + 12_345 + 3_600_000, 7],
      [from, from + DAY, 5000],
      [from, from + 10, 3],
    ] as const) {
      const result = store.query({
        deviceIds: ['a', 'b'],
        metrics: ['temperature', 'humidity'],
        from: qFrom,
        to: qTo,
        points,
      })
      const width = Math.max(1, Math.ceil((qTo - qFrom) / points))
      expect(result.bucketMs).toBe(width)
      expect(result.series.map((s) => `${s.deviceId}/${s.metric}`)).toEqual([
        'a/temperature',
        'a/humidity',
        'b/temperature',
        'b/humidity',
      ])
      for (const series of result.series) {
        const expected = new Map<number, number[]>()
        for (const r of rows) {
          if (
            r.deviceId !== series.deviceId ||
            r.metric !== series.metric ||
            r.ts < qFrom ||
            r.ts >= qTo
          )
            continue
          const t = qFrom + Math.floor((r.ts - qFrom) / width) * width
          expected.set(t, [...(expected.get(t) ?? []), r.value])
        }
        const brute = [...expected.entries()]
          .sort(([x], [y]) => x - y)
          .map(([t, values]) => ({
            t,
            min: Math.min(...values),
            max: Math.max(...values),
            count: values.length,
            avg: values.reduce((sum, v) => sum + v, 0) / values.length,
          }))
        expect(series.buckets.length).toBe(brute.length)
        expect(series.buckets.length).toBeLessThanOrEqual(points)
        series.buckets.forEach((bucket, i) => {
          const b = brute[i]!
          expect({ t: bucket.t, min: bucket.min, max: bucket.max, count: bucket.count }).toEqual({
            t: b.t,
            min: b.min,
            max: b.max,
            count: b.count,
          })
          expect(bucket.avg).toBeCloseTo(b.avg, 9)
        })
      }
    }
  })

  it('streams readings of chosen devices in series or time order', () => {
    const t = clock.now()
    store.add([
      reading('b', 'temperature', t + 1, 1),
      reading('a', 'temperature', t + 2, 2),
      reading('a', 'humidity', t + 3, 3),
      reading('c', 'temperature', t, 9),
    ])
    const series = [...store.iterate({ from: t, to: t + 10 }, ['a', 'b'])]
    expect(series.map((r) => `${r.deviceId}/${r.metric}`)).toEqual([
      'a/humidity',
      'a/temperature',
      'b/temperature',
    ])
    const byTime = [...store.iterate({ from: t, to: t + 10 }, undefined, 'time')]
    expect(byTime.map((r) => r.value)).toEqual([9, 1, 2, 3])
    expect([...store.iterate({ from: t, to: t + 10 }, [])]).toEqual([])
  })

  it('deletes everything of a forgotten device', () => {
    store.add([
      reading('a', 'temperature', clock.now(), 1),
      reading('b', 'temperature', clock.now(), 2),
    ])
    store.deleteDevice('a')
    expect(store.count('a')).toBe(0)
    expect(store.count('b')).toBe(1)
    expect(store.latest().map((r) => r.deviceId)).toEqual(['b'])
  })

  it('sets a corrupt database aside and starts a new one', () => {
    store.close()
    writeFileSync(join(dir.path, 'readings.sqlite'), 'this is not a database'.repeat(100))
    store = open()
    expect(store.warnings[0]).toMatch(/moved to .*readings\.sqlite\.corrupt-/)
    store.add([reading('d', 'temperature', clock.now(), 1)])
    expect(store.count()).toBe(1)
  })
})
