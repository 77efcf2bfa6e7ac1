import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ReadingPoint } from '../../../src/shared/contract/readings'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import type { InfluxForwardConfig } from '../../../src/main/core/influx/influx-forwarder'
import type { HistoryStore } from '../../../src/main/core/readings/history-store'
import { InfluxHistory } from '../../../src/main/core/readings/influx-history/influx-history'
import { ReadingsStore } from '../../../src/main/core/readings/readings-store'
import { SqliteHistory } from '../../../src/main/core/readings/sqlite-history'
import { FakeClock } from '../../helpers/fake-clock'
import type { Message } from '../../helpers/readings-oracle'
import { useInfluxd } from './use-influxd'

const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const T0 = Date.UTC(2026, 2, 1)

let databases = 0

const server = useInfluxd('iotcc-influx-history-')

/** A target on its own fresh database, so tests do not see each other's points. */
function target(): InfluxForwardConfig {
  return server.influxd.target(`history_${++databases}`, {
    batchSize: 500,
    flushIntervalS: 0.05,
    maxQueueMB: 100,
  })
}

function influxHistory(name: string, t: InfluxForwardConfig): InfluxHistory {
  return new InfluxHistory({
    dataDir: join(server.dir, name),
    clock: systemClock,
    logger: silentLogger,
    target: t,
    minBackoffMs: 100,
    maxBackoffMs: 500,
  })
}

function sqliteHistory(name: string, now: number): { history: SqliteHistory; close(): void } {
  mkdirSync(join(server.dir, name), { recursive: true })
  const store = new ReadingsStore({
    dataDir: join(server.dir, name),
    clock: new FakeClock(now),
    logger: silentLogger,
    retentionDays: () => 3650,
    minuteRetentionDays: () => 3650,
    hourRetentionDays: () => 3650,
  })
  return { history: new SqliteHistory(store), close: () => store.close() }
}

/** mulberry32: a 32-bit generator that never falls into a short cycle. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/**
 * Messages from three devices over `spanMs`, one per device and instant (InfluxDB keeps one
 * point per series and timestamp). Values are multiples of 1/8, so every sum is exact in
 * floating point whatever order a store adds them in, and averages can be compared exactly.
 * Device c reports only co2; some messages carry one metric; every 50th is redelivered.
 */
function messages(seed: number, count: number, spanMs: number, step = 1 / 8): Message[] {
  const random = seeded(seed)
  const out: Message[] = []
  const taken = new Set<string>()
  const value = (): number => Math.round((random() * 100) / step) * step - 40
  for (let i = 0; out.length < count; i++) {
    const deviceId = ['a', 'b', 'c'][Math.floor(random() * 3)]!
    const ts = T0 + Math.floor(random() * spanMs)
    if (taken.has(`${deviceId}@${ts}`)) continue
    taken.add(`${deviceId}@${ts}`)
    const readings =
      deviceId === 'c'
        ? [{ metric: 'co2', value: value() }]
        : random() < 0.2
          ? [{ metric: random() < 0.5 ? 'temperature' : 'humidity', value: value() }]
          : [
              { metric: 'temperature', value: value() },
              { metric: 'humidity', value: value() },
            ]
    const message = { deviceId, ts, seq: i, readings }
    out.push(message)
    if (i % 50 === 0) out.push({ ...message, readings: readings.map((r) => ({ ...r })) })
  }
  return out
}

function feed(stores: HistoryStore[], list: readonly Message[]): void {
  for (const m of list) for (const s of stores) s.add(m.deviceId, m.ts, m.seq, m.readings)
}

/** Short ranges from raw readings, longer ones from minute and hour buckets, odd edges. */
const CASES = [
  { from: T0, to: T0 + 2 * HOUR, points: 500 },
  { from: T0 + 5, to: T0 + 20_015, points: 3 },
  { from: T0 + 7, to: T0 + 7 + 2 * DAY, points: 5000 },
  { from: T0 + 12_345, to: T0 + 12_345 + 2 * DAY, points: 1000 },
  { from: T0 + 5 * HOUR + 1, to: T0 + 3 * DAY - 1, points: 300 },
  { from: T0, to: T0 + 3 * DAY, points: 97 },
  { from: T0 - HOUR + 17, to: T0 + DAY, points: 24 },
  { from: T0 - DAY, to: T0 + 4 * DAY, points: 1 },
  { from: T0 + 30 * MIN + 999, to: T0 + 31 * MIN + 1, points: 1000 },
]

describe('InfluxDB 1.x as the history store (real influxd)', () => {
  it('answers every query with the SQLite store’s buckets, bucket by bucket', async () => {
    const list = messages(17, 12_000, 3 * DAY)
    const influx = influxHistory('compare-influx', target())
    const sqlite = sqliteHistory('compare-sqlite', T0 + 4 * DAY)
    feed([influx, sqlite.history], list)
    await influx.flush()
    expect(influx.queue.pending).toBe(0)
    const q = {
      deviceIds: ['a', 'b', 'c', 'nobody'],
      metrics: ['temperature', 'humidity', 'co2'],
    }
    let compared = 0
    for (const c of CASES) {
      const want = await sqlite.history.query({ ...q, ...c })
      const got = await influx.query({ ...q, ...c })
      expect(got.bucketMs).toBe(want.bucketMs)
      expect(got.series.map((s) => `${s.deviceId}/${s.metric}`)).toEqual(
        want.series.map((s) => `${s.deviceId}/${s.metric}`),
      )
      for (const [i, series] of want.series.entries()) {
        expect(got.series[i]!.buckets, `${series.deviceId}/${series.metric} ${c.points}`).toEqual(
          series.buckets,
        )
        compared += series.buckets.length
      }
    }
    // The comparison is not vacuous: thousands of non-empty buckets matched.
    expect(compared).toBeGreaterThan(5000)
    await influx.close()
    sqlite.close()
  })

  it('gives the same buckets for decimal readings, averages equal to the last digits', async () => {
    // 0.1 steps (21.3 °C): sums depend on the order values are added in, so an average may
    // differ in its last bits between the stores; everything else is exact.
    const list = messages(29, 4000, DAY, 0.1)
    const influx = influxHistory('decimal-influx', target())
    const sqlite = sqliteHistory('decimal-sqlite', T0 + 2 * DAY)
    feed([influx, sqlite.history], list)
    const q = { deviceIds: ['a', 'b', 'c'], metrics: ['temperature', 'humidity', 'co2'] }
    for (const c of [CASES[0]!, CASES[3]!, CASES[6]!]) {
      const want = await sqlite.history.query({ ...q, ...c })
      const got = await influx.query({ ...q, ...c })
      for (const [i, series] of want.series.entries()) {
        const buckets = got.series[i]!.buckets
        expect(buckets.map(({ avg: _, ...b }) => b)).toEqual(
          series.buckets.map(({ avg: _, ...b }) => b),
        )
        buckets.forEach((b, k) =>
          expect(Math.abs(b.avg - series.buckets[k]!.avg)).toBeLessThan(1e-9),
        )
      }
    }
    await influx.close()
    sqlite.close()
  })

  it('stores and reads back devices and metrics with quotes, spaces and separators', async () => {
    const t = target()
    const influx = influxHistory('hostile', t)
    const odd = `o'brien "x" y,z=1 \\ ; DROP`
    const metric = `temp "in" 'c',x=1`
    influx.add(odd, T0 + 1000, 1, [{ metric, value: 1.5 }])
    influx.add(odd, T0 + 2000, 2, [{ metric, value: 2.5 }])
    influx.add('plain', T0 + 1000, 1, [{ metric, value: 9 }])
    const result = await influx.query({
      deviceIds: [odd],
      metrics: [metric],
      from: T0,
      to: T0 + MIN,
      points: 1,
    })
    expect(result.series).toEqual([
      { deviceId: odd, metric, buckets: [{ t: T0, min: 1.5, avg: 2, max: 2.5, count: 2 }] },
    ])
    const viewer = influxHistory('hostile-viewer', t)
    expect(await viewer.latest(odd)).toEqual([{ deviceId: odd, metric, ts: T0 + 2000, value: 2.5 }])
    await viewer.deleteDevice(odd)
    expect(await viewer.latest()).toEqual([{ deviceId: 'plain', metric, ts: T0 + 1000, value: 9 }])
    await viewer.close()
    await influx.close()
  })

  it('answers empty before the first write has created the database', async () => {
    const fresh = influxHistory('fresh', target())
    expect(await fresh.latest()).toEqual([])
    const result = await fresh.query({
      deviceIds: ['a'],
      metrics: ['temperature'],
      from: T0,
      to: T0 + HOUR,
      points: 10,
    })
    expect(result).toEqual({
      bucketMs: 6 * MIN,
      series: [{ deviceId: 'a', metric: 'temperature', buckets: [] }],
    })
    const exported: ReadingPoint[] = []
    for await (const p of fresh.iterate({ from: T0, to: T0 + HOUR })) exported.push(p)
    expect(exported).toEqual([])
    await fresh.close()
  })

  it('stores a message written twice, by one instance or two, once', async () => {
    const t = target()
    const one = influxHistory('twice-1', t)
    const two = influxHistory('twice-2', t)
    const message: Message = {
      deviceId: 'esp32-a1b2c3',
      ts: T0 + 1234,
      seq: 7,
      readings: [
        { metric: 'temperature', value: 21.5 },
        { metric: 'humidity', value: 40.25 },
      ],
    }
    feed([one, one, two], [message])
    feed([two], [{ ...message, ts: T0 + 2000 }])
    await one.flush()
    await two.flush()
    expect(await server.influxd.count(t.database, 'iot', 'temperature')).toBe(2)
    const result = await one.query({
      deviceIds: ['esp32-a1b2c3'],
      metrics: ['temperature'],
      from: T0,
      to: T0 + 10_000,
      points: 1,
    })
    expect(result.series[0]!.buckets).toEqual([
      { t: T0, min: 21.5, avg: 21.5, max: 21.5, count: 2 },
    ])
    await one.close()
    await two.close()
  })

  it('exports raw readings in time, device, metric order across pages, and forgets a device', async () => {
    const t = target()
    const list = messages(5, 400, HOUR)
    // Many devices at one instant: a page boundary falls inside it.
    for (let d = 0; d < 30; d++)
      list.push({ deviceId: `d${d}`, ts: T0 + 10 * MIN, readings: [{ metric: 'x', value: d }] })
    const influx = new InfluxHistory({
      dataDir: join(server.dir, 'export-influx'),
      clock: systemClock,
      logger: silentLogger,
      target: t,
      pageRows: 7,
    })
    const sqlite = sqliteHistory('export-sqlite', T0 + DAY)
    feed([influx, sqlite.history], list)
    const collect = async (s: HistoryStore, ids?: string[]): Promise<ReadingPoint[]> => {
      const out: ReadingPoint[] = []
      for await (const p of s.iterate({ from: T0, to: T0 + HOUR }, ids)) out.push(p)
      return out
    }
    const want = await collect(sqlite.history)
    expect(want.length).toBeGreaterThan(600)
    expect(await collect(influx)).toEqual(want)
    expect(await collect(influx, ['b', 'd3'])).toEqual(await collect(sqlite.history, ['b', 'd3']))

    const latest = await influx.latest('a')
    expect(latest).toEqual(await sqlite.history.latest('a'))
    // A fresh instance (a "view" with nothing written itself) reads the same from InfluxDB.
    const viewer = influxHistory('export-viewer', t)
    expect(await viewer.latest('a')).toEqual(latest)

    await influx.deleteDevice('a')
    expect(await viewer.latest('a')).toEqual([])
    expect((await collect(viewer)).filter((p) => p.deviceId === 'a')).toEqual([])
    expect((await collect(viewer)).length).toBe(want.filter((p) => p.deviceId !== 'a').length)
    await viewer.close()
    await influx.close()
    sqlite.close()
  })
})
