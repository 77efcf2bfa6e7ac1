import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { ReadingsStore } from '../../src/main/core/readings/readings-store'
import { FakeClock } from '../helpers/fake-clock'
import {
  accepted,
  bruteForce,
  expectSameBuckets,
  randomMessages,
  type Message,
} from '../helpers/readings-oracle'
import { tempDir } from '../helpers/temp-dir'

const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let store: ReadingsStore

function open(): ReadingsStore {
  return new ReadingsStore({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    retentionDays: () => 3650,
    minuteRetentionDays: () => 3650,
    hourRetentionDays: () => 3650,
  })
}

function add(target: ReadingsStore, messages: readonly Message[]): void {
  for (const m of messages) target.add(m.deviceId, m.ts, m.seq, m.readings)
}

/** Query cases over [from, from + 10 d) and the tier each must be answered from. */
function cases(from: number): { from: number; to: number; points: number; tierMs: number }[] {
  return [
    { from, to: from + 2 * HOUR, points: 500, tierMs: 1 },
    { from: from + 5, to: from + 15, points: 3, tierMs: 1 },
    { from: from + 7, to: from + 7 + 3 * DAY, points: 5000, tierMs: 1 },
    { from: from + 12_345, to: from + 12_345 + 3 * DAY, points: 1000, tierMs: MIN },
    { from: from + 5 * HOUR + 1, to: from + 6 * DAY - 1, points: 300, tierMs: MIN },
    { from, to: from + 10 * DAY, points: 97, tierMs: HOUR },
    { from: from - HOUR + 17, to: from + DAY, points: 24, tierMs: HOUR },
    { from: from - DAY, to: from + 11 * DAY, points: 1, tierMs: HOUR },
  ]
}

/** Every case, both devices and metrics, against the brute force over `kept`. */
function expectMatchesBruteForce(
  target: ReadingsStore,
  kept: readonly Message[],
  from: number,
): void {
  for (const c of cases(from)) {
    const result = target.query({
      deviceIds: ['a', 'b'],
      metrics: ['temperature', 'humidity'],
      from: c.from,
      to: c.to,
      points: c.points,
    })
    expect(result.series.map((s) => `${s.deviceId}/${s.metric}`)).toEqual([
      'a/temperature',
      'a/humidity',
      'b/temperature',
      'b/humidity',
    ])
    for (const series of result.series) {
      const expected = bruteForce(kept, { ...series, ...c }, c.tierMs)
      expect(result.bucketMs).toBe(expected.bucketMs)
      expect(series.buckets.length).toBeLessThanOrEqual(c.points)
      expectSameBuckets(series.buckets, expected.buckets)
    }
  }
}

beforeEach(async () => {
  dir = await tempDir('readings-query-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  store = open()
})

afterEach(async () => {
  store.close()
  await dir.cleanup()
})

describe('readings.query', () => {
  it('answers raw, minute and hour tiers exactly like a brute force over the raw readings', () => {
    const from = clock.now() - 10 * DAY
    const messages = randomMessages({
      seed: 7,
      count: 6000,
      from,
      spanMs: 10 * DAY,
      redeliverEvery: 9,
    })
    // In slices with time passing, so the answer mixes merged rollups, deltas still in memory
    // and buckets that later, older readings (out of order) land in again.
    for (let i = 0; i < messages.length; i += 700) {
      add(store, messages.slice(i, i + 700))
      clock.advance(i % 1400 === 0 ? 300 : 6000)
    }
    const kept = accepted(messages)
    expect(messages.length - kept.length).toBeGreaterThan(100)
    expectMatchesBruteForce(store, kept, from)

    store.close()
    store = open()
    expectMatchesBruteForce(store, kept, from)
  })

  it('keeps rollups equal to the raw data after a kill -9 between checkpoints', async () => {
    store.close()
    const from = Date.UTC(2026, 0, 5)
    const messages = randomMessages({
      seed: 11,
      count: 3000,
      from,
      spanMs: 10 * DAY,
      redeliverEvery: 7,
    })
    const before = messages.slice(0, 1500)
    // Redeliveries of merged messages arrive after the crash point as well.
    const after = [...messages.slice(1500), ...before.slice(0, 40)]
    const script = join(dir.path, 'messages.json')
    writeFileSync(script, JSON.stringify({ before, after }))
    const child = spawnSync(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        './tests/simulators/ts-register.mjs',
        'tests/helpers/readings-crash-writer.ts',
        dir.path,
        script,
      ],
      { encoding: 'utf8', timeout: 20_000 },
    )
    expect(child.stderr).toBe('')
    expect(child.stdout).toBe('flushed\n')
    expect(child.signal).toBe('SIGKILL')

    // On disk: every raw row, but rollups only for what was merged before the crash.
    const kept = accepted([...before, ...after])
    const readingsIn = (list: Message[]): number => list.reduce((n, m) => n + m.readings.length, 0)
    const db = new DatabaseSync(join(dir.path, 'readings.sqlite'), { readOnly: true })
    const onDisk = (sql: string): number => Number(Object.values(db.prepare(sql).get() ?? {})[0])
    expect(onDisk('SELECT sum(length(data)) / 12 FROM samples')).toBe(readingsIn(kept))
    expect(onDisk('SELECT sum(n) FROM rollup_1m')).toBe(readingsIn(accepted(before)))
    db.close()

    store = open()
    expectMatchesBruteForce(store, kept, from)
    const more = randomMessages({ seed: 12, count: 500, from, spanMs: 10 * DAY })
    // Repeats of stored messages: those with seq are dropped, those without are new readings.
    const again = [...more, ...after.slice(0, 30)]
    add(store, again)
    store.close()
    store = open() // no second replay of what the first one merged
    const all = accepted([...before, ...after, ...again])
    expectMatchesBruteForce(store, all, from)
    expect(store.count()).toBe(readingsIn(all))
  })

  it('answers from a coarser tier when retention has pruned the finer one at "from"', () => {
    store.close()
    let rawDays = 3650
    store = new ReadingsStore({
      dataDir: dir.path,
      clock,
      logger: silentLogger,
      retentionDays: () => rawDays,
      minuteRetentionDays: () => 60,
      hourRetentionDays: () => 3650,
    })
    const from = clock.now() - 90 * DAY
    const messages = randomMessages({ seed: 3, count: 2000, from, spanMs: 2 * DAY })
    add(store, messages)
    const q = {
      deviceId: 'a',
      metric: 'temperature',
      from: from + HOUR,
      to: from + 3 * HOUR,
      points: 200,
    }
    const ask = (): ReturnType<ReadingsStore['query']> =>
      store.query({
        deviceIds: ['a'],
        metrics: ['temperature'],
        from: q.from,
        to: q.to,
        points: 200,
      })
    expect(ask().bucketMs).toBe(36_000) // raw still kept
    rawDays = 30
    const hourly = ask()
    expect(hourly.bucketMs).toBe(HOUR) // raw and minute pruned there: hourly rollups
    expectSameBuckets(hourly.series[0]!.buckets, bruteForce(accepted(messages), q, HOUR).buckets)
  })
})
