import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { ReadingsStore } from '../../src/main/core/readings/readings-store'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

const DAY = 86_400_000
let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let retention: { raw: number; minute: number; hour: number }
let store: ReadingsStore

function open(options: { batchSize?: number } = {}): ReadingsStore {
  return new ReadingsStore({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    retentionDays: () => retention.raw,
    minuteRetentionDays: () => retention.minute,
    hourRetentionDays: () => retention.hour,
    ...options,
  })
}

/** A number as another connection sees it: proves what is on disk, not in memory. */
function onDisk(sql: string): number {
  const db = new DatabaseSync(join(dir.path, 'readings.sqlite'), { readOnly: true })
  try {
    return Number(Object.values(db.prepare(sql).get() ?? {})[0] ?? 0)
  } finally {
    db.close()
  }
}
const readingsOnDisk = (): number => onDisk('SELECT sum(length(data)) / 12 FROM samples')

const th = (t: number, h: number): { metric: string; value: number }[] => [
  { metric: 'temperature', value: t },
  { metric: 'humidity', value: h },
]
const temp = (value: number): { metric: string; value: number }[] => [
  { metric: 'temperature', value },
]

beforeEach(async () => {
  dir = await tempDir('readings-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  retention = { raw: 30, minute: 365, hour: 3650 }
  store = open()
})

afterEach(async () => {
  store.close()
  await dir.cleanup()
})

describe('ReadingsStore', () => {
  it('buffers messages and commits them after 250 ms, or at once past the batch size', () => {
    store.add('d', clock.now(), 1, th(21, 40))
    expect(store.pending).toBe(1)
    expect(store.stats.buffered).toBe(2)
    clock.advance(249)
    expect(readingsOnDisk()).toBe(0)
    clock.advance(1)
    expect(readingsOnDisk()).toBe(2)
    expect(onDisk('SELECT count(*) FROM samples')).toBe(1) // one row per message
    expect(store.pending).toBe(0)

    store.close()
    store = open({ batchSize: 100 })
    for (let i = 0; i < 99; i++) store.add('d', clock.now() + i, undefined, temp(i))
    expect(readingsOnDisk()).toBe(2)
    store.add('d', clock.now() + 99, undefined, temp(99))
    expect(readingsOnDisk()).toBe(102)
    expect(store.stats).toEqual({ inserted: 100, duplicates: 0, buffered: 0, failed: 0 })
  })

  it('writes rollups and latest values at checkpoints (every 5 s), not per reading', () => {
    store.add('d', clock.now(), undefined, th(21, 40))
    clock.advance(250)
    expect(readingsOnDisk()).toBe(2)
    expect(onDisk('SELECT count(*) FROM rollup_1m') + onDisk('SELECT count(*) FROM latest')).toBe(0)
    expect(store.latest('d').map((r) => r.value)).toEqual([40, 21]) // memory answers at once
    clock.advance(5000)
    expect(onDisk('SELECT sum(n) FROM rollup_1m')).toBe(2)
    expect(onDisk('SELECT sum(n) FROM rollup_1h')).toBe(2)
    expect(onDisk('SELECT count(*) FROM latest')).toBe(2)
  })

  it('writes buffered messages on close and keeps them across reopen', () => {
    store.add('d', clock.now(), undefined, th(21, 40))
    store.close()
    store = open()
    expect(store.count()).toBe(2)
    expect(store.latest('d')).toEqual([
      { deviceId: 'd', metric: 'humidity', ts: clock.now(), value: 40 },
      { deviceId: 'd', metric: 'temperature', ts: clock.now(), value: 21 },
    ])
  })

  it('stores a QoS 1 redelivery (same device, ts and seq) once, and messages without seq always', () => {
    const t = clock.now()
    store.add('d', t, 5, th(21, 40))
    store.add('d', t, 5, th(21, 40))
    store.add('e', t, 5, th(21, 40)) // another device
    store.add('d', t, 6, temp(21))
    store.flush()
    store.add('d', t, 5, th(21, 40)) // redelivered after it was committed
    store.add('d', t, undefined, temp(21))
    store.add('d', t, undefined, temp(21))
    expect(store.count('d')).toBe(5)
    expect(store.count()).toBe(7)
    expect(store.stats).toMatchObject({ inserted: 7, duplicates: 4 })
    const minute = store.query({
      deviceIds: ['d'],
      metrics: ['temperature'],
      from: t,
      to: t + 60_000,
      points: 1,
    })
    expect(minute.series[0]!.buckets[0]!.count).toBe(4) // duplicates never reach rollups
  })

  it('keeps the newest value as latest even when older readings arrive later', () => {
    const t = clock.now()
    store.add('a', t, undefined, temp(20))
    store.add('a', t - 60_000, undefined, temp(10))
    store.add('b', t, undefined, temp(5))
    expect(store.latest()).toEqual([
      { deviceId: 'a', metric: 'temperature', ts: t, value: 20 },
      { deviceId: 'b', metric: 'temperature', ts: t, value: 5 },
    ])
    store.close()
    store = open()
    expect(store.latest('a')).toEqual([{ deviceId: 'a', metric: 'temperature', ts: t, value: 20 }])
  })

  it('prunes each tier after its own retention, on open and every hour', () => {
    const now = clock.now()
    const ask = (from: number, to: number): number[] =>
      store
        .query({ deviceIds: ['d'], metrics: ['temperature'], from, to, points: 1 })
        .series[0]!.buckets.map((b) => b.count)
    store.add('d', now - 400 * DAY, undefined, temp(1))
    store.add('d', now - 31 * DAY, undefined, temp(2))
    store.add('d', now - 29 * DAY, undefined, temp(3))
    store.add('d', now - 1000, undefined, th(4, 50))
    store.close()
    store = open() // prune on open: raw keeps 30 days, minutes a year, hours ten years
    const raw = [...store.iterate({ from: 0, to: now + 1 })].map((r) => r.value)
    expect(raw.sort((x, y) => x - y)).toEqual([3, 4, 50])
    expect(onDisk('SELECT sum(n) FROM rollup_1m')).toBe(4) // day -400 gone from minutes
    expect(onDisk('SELECT sum(n) FROM rollup_1h')).toBe(5)
    expect(ask(now - 500 * DAY, now)).toEqual([4]) // hour rollups still hold day -400

    retention = { raw: 1, minute: 20, hour: 100 }
    clock.advance(3_600_000) // hourly prune with the new settings
    const left = [...store.iterate({ from: 0, to: clock.now() })].map((r) => r.value)
    expect(left.sort((x, y) => x - y)).toEqual([4, 50])
    expect(onDisk('SELECT sum(n) FROM rollup_1m')).toBe(2)
    expect(onDisk('SELECT sum(n) FROM rollup_1h')).toBe(4)
    expect(ask(now - 500 * DAY, now)).toEqual([3])
    // A series whose raw readings are all gone has no latest value either.
    store.add('d', now - 2 * DAY, undefined, [{ metric: 'pressure', value: 1 }])
    clock.advance(3_600_000)
    expect(store.latest('d').map((r) => r.metric)).toEqual(['humidity', 'temperature'])
  })

  it('streams readings of chosen devices in series or time order', () => {
    const t = clock.now()
    store.add('b', t + 1, undefined, temp(1))
    store.add('a', t + 2, undefined, temp(2))
    store.add('a', t + 3, undefined, [{ metric: 'humidity', value: 3 }])
    store.add('c', t, undefined, temp(9))
    store.add('a', t + 3, 1, th(5, 6))
    const series = [...store.iterate({ from: t, to: t + 10 }, ['b', 'a'])]
    expect(series.map((r) => `${r.deviceId}/${r.metric}=${r.value}`)).toEqual([
      'a/humidity=3',
      'a/humidity=6',
      'a/temperature=2',
      'a/temperature=5',
      'b/temperature=1',
    ])
    const byTime = [...store.iterate({ from: t, to: t + 10 }, undefined, 'time')]
    expect(byTime.map((r) => r.value)).toEqual([9, 1, 2, 3, 6, 5])
    expect([...store.iterate({ from: t, to: t + 10 }, [])]).toEqual([])
    expect(
      [...store.iterate({ from: t + 1, to: t + 3 }, ['a', 'nobody'])].map((r) => r.value),
    ).toEqual([2])
  })

  it('deletes every reading, rollup and latest value of a forgotten device', () => {
    const t = clock.now()
    store.add('a', t, undefined, temp(1))
    store.add('b', t, undefined, temp(2))
    store.deleteDevice('a')
    expect(store.count('a')).toBe(0)
    expect(store.count('b')).toBe(1)
    expect(store.latest().map((r) => r.deviceId)).toEqual(['b'])
    const hourly = store.query({
      deviceIds: ['a', 'b'],
      metrics: ['temperature'],
      from: t - DAY,
      to: t + DAY,
      points: 2,
    })
    expect(hourly.series.map((s) => s.buckets.length)).toEqual([0, 1])
    store.add('a', t + 1, undefined, temp(3)) // it comes back if it publishes again
    expect(store.latest('a')).toEqual([
      { deviceId: 'a', metric: 'temperature', ts: t + 1, value: 3 },
    ])
  })

  it('keeps a batch a locked database refused, and writes it with its deltas once the lock goes', () => {
    const t = clock.now()
    store.add('d', t, 1, th(1, 2))
    store.flush()
    const other = new DatabaseSync(join(dir.path, 'readings.sqlite'))
    other.exec('BEGIN IMMEDIATE') // another writer holds the lock past busy_timeout
    store.add('d', t + 1, 2, th(3, 4))
    store.flush()
    other.exec('ROLLBACK')
    other.close()
    // Nothing lost: the refused message waits for the retry (readings-backpressure.test.ts).
    expect(store.stats).toMatchObject({ inserted: 2, failed: 0, buffered: 2 })
    store.add('d', t + 2, 3, th(5, 6))
    const result = store.query({
      deviceIds: ['d'],
      metrics: ['temperature'],
      from: t,
      to: t + 60_000,
      points: 1,
    })
    expect(result.series[0]!.buckets).toEqual([{ t, min: 1, avg: 3, max: 5, count: 3 }])
    expect(store.stats).toMatchObject({ inserted: 6, failed: 0, buffered: 0 })
    expect(store.latest('d').map((r) => r.value)).toEqual([6, 5])
  })

  it('sets a corrupt database aside and starts a new one', () => {
    store.close()
    writeFileSync(join(dir.path, 'readings.sqlite'), 'this is not a database'.repeat(100))
    store = open()
    expect(store.warnings[0]).toMatch(/moved to .*readings\.sqlite\.corrupt-/)
    store.add('d', clock.now(), undefined, temp(1))
    expect(store.count()).toBe(1)
  })
})
