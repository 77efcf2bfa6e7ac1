import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { ReadonlyReadings } from '../../src/main/core/export/readonly-sources'
import { ReadingsStore } from '../../src/main/core/readings/readings-store'
import { FakeClock } from '../helpers/fake-clock'
import {
  bruteForce,
  expectSameBuckets,
  randomMessages,
  type Message,
} from '../helpers/readings-oracle'
import { tempDir } from '../helpers/temp-dir'

const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

/** Schema 1 exactly as the app shipped it (readings-schema.ts, user_version 1). */
const V1_DDL = `
    CREATE TABLE readings (
      device TEXT NOT NULL,
      metric TEXT NOT NULL,
      ts     INTEGER NOT NULL,  -- epoch ms
      value  REAL NOT NULL,
      seq    INTEGER            -- device message sequence, when it sends one
    );
    -- Range queries, downsampling and per-series retention all walk this index.
    CREATE INDEX readings_series ON readings (device, metric, ts);
    -- A QoS 1 redelivery repeats device, ts and seq: INSERT OR IGNORE drops it here.
    CREATE UNIQUE INDEX readings_redelivery ON readings (device, metric, ts, seq) WHERE seq IS NOT NULL;
    -- The newest value per series, kept on insert so "latest" never scans readings.
    CREATE TABLE latest (
      device TEXT NOT NULL,
      metric TEXT NOT NULL,
      ts     INTEGER NOT NULL,
      value  REAL NOT NULL,
      PRIMARY KEY (device, metric)
    ) WITHOUT ROWID;
  `

interface V1Row {
  deviceId: string
  metric: string
  ts: number
  value: number
}

let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
const T = Date.UTC(2026, 0, 10)

/** Writes `messages` the way the v1 store did: INSERT OR IGNORE per reading, latest upsert. */
function createV1(messages: readonly Message[]): { rows: V1Row[]; latest: V1Row[] } {
  const db = new DatabaseSync(join(dir.path, 'readings.sqlite'))
  db.exec('PRAGMA journal_mode = WAL;')
  db.exec(V1_DDL)
  db.exec('PRAGMA user_version = 1')
  const insert = db.prepare(
    'INSERT OR IGNORE INTO readings (device, metric, ts, value, seq) VALUES (?, ?, ?, ?, ?)',
  )
  const upsert = db.prepare(
    `INSERT INTO latest (device, metric, ts, value) VALUES (?, ?, ?, ?)
     ON CONFLICT (device, metric) DO UPDATE SET ts = excluded.ts, value = excluded.value
     WHERE excluded.ts >= latest.ts`,
  )
  db.exec('BEGIN')
  for (const m of messages) {
    for (const r of m.readings) {
      if (Number(insert.run(m.deviceId, r.metric, m.ts, r.value, m.seq ?? null).changes) > 0)
        upsert.run(m.deviceId, r.metric, m.ts, r.value)
    }
  }
  db.exec('COMMIT')
  const select = (sql: string): V1Row[] => db.prepare(sql).all() as unknown as V1Row[]
  const rows = select('SELECT device AS deviceId, metric, ts, value FROM readings')
  const latest = select(
    'SELECT device AS deviceId, metric, ts, value FROM latest ORDER BY device, metric',
  )
  db.close()
  return { rows, latest }
}

const key = (r: V1Row): string => `${r.deviceId}|${r.metric}|${r.ts}|${r.value}`

beforeEach(async () => {
  dir = await tempDir('readings-migration-')
  clock = new FakeClock(T + 5 * DAY)
})

afterEach(async () => {
  await dir.cleanup()
})

describe('a schema 1 database', () => {
  it('is converted in place on first open, keeping every reading, latest value and answer', () => {
    const messages: Message[] = [
      ...randomMessages({ seed: 5, count: 3000, from: T, spanMs: 4 * DAY, redeliverEvery: 5 }),
      // A board that rebooted reuses seq 1 with a new ts: both are readings.
      { deviceId: 'a', ts: T + 1000, seq: 1, readings: [{ metric: 'temperature', value: 1 }] },
      { deviceId: 'a', ts: T + 2000, seq: 1, readings: [{ metric: 'temperature', value: 2 }] },
      // Two messages without seq in one millisecond: v1 kept both rows.
      { deviceId: 'b', ts: T + 3000, readings: [{ metric: 'humidity', value: 3 }] },
      { deviceId: 'b', ts: T + 3000, readings: [{ metric: 'humidity', value: 4 }] },
      { deviceId: 'c', ts: T + 4000, seq: 9, readings: [{ metric: 'pressure', value: 1013 }] },
    ]
    const v1 = createV1(messages)
    expect(v1.rows.length).toBeLessThan(messages.reduce((n, m) => n + m.readings.length, 0))

    const store = new ReadingsStore({
      dataDir: dir.path,
      clock,
      logger: silentLogger,
      retentionDays: () => 3650,
    })
    try {
      expect(store.warnings).toEqual([])
      expect(store.count()).toBe(v1.rows.length)
      const all = [...store.iterate({ from: 0, to: T + 10 * DAY })]
      expect(all.map(key).sort()).toEqual(v1.rows.map(key).sort())
      expect(store.latest()).toEqual(v1.latest)

      const asMessages = v1.rows.map((r) => ({ deviceId: r.deviceId, ts: r.ts, readings: [r] }))
      for (const [from, to, points, tierMs] of [
        [T, T + 6 * HOUR, 1000, 1],
        [T + 17, T + 2 * DAY, 700, MIN],
        [T - HOUR, T + 5 * DAY, 50, HOUR],
      ] as const) {
        const result = store.query({
          deviceIds: ['a', 'b', 'c'],
          metrics: ['temperature', 'humidity', 'pressure'],
          from,
          to,
          points,
        })
        for (const series of result.series) {
          const expected = bruteForce(asMessages, { ...series, from, to, points }, tierMs)
          expect(result.bucketMs).toBe(expected.bucketMs)
          expectSameBuckets(series.buckets, expected.buckets)
        }
      }
      // The redelivery index came along: a late QoS 1 repeat is still dropped.
      store.add('c', T + 4000, 9, [{ metric: 'pressure', value: 1013 }])
      expect(store.count('c')).toBe(1)
      expect(store.stats.duplicates).toBe(1)
    } finally {
      store.close()
    }
    const db = new DatabaseSync(join(dir.path, 'readings.sqlite'), { readOnly: true })
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 })
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
    expect(tables.map((t) => t.name)).not.toContain('readings')
    db.close()
  })

  it('can still be exported read-only before the app has converted it, and after', () => {
    const v1 = createV1(randomMessages({ seed: 8, count: 200, from: T, spanMs: DAY }))
    const expected = [...v1.rows].sort((x, y) => x.ts - y.ts || key(x).localeCompare(key(y)))
    const read = (): string[] => {
      const reader = new ReadonlyReadings(dir.path)
      try {
        return [...reader.iterate({ from: T, to: T + DAY }, ['a', 'b'], 'time')].map(key)
      } finally {
        reader.close()
      }
    }
    const before = read()
    expect(before.slice().sort()).toEqual(expected.map(key).sort())
    new ReadingsStore({
      dataDir: dir.path,
      clock,
      logger: silentLogger,
      retentionDays: () => 3650,
    }).close()
    expect(read().sort()).toEqual(before.slice().sort())
  })
})
