import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import type { HistoryStore } from '../../../src/main/core/readings/history-store'
import { InfluxHistory } from '../../../src/main/core/readings/influx-history/influx-history'
import { ReadingsStore } from '../../../src/main/core/readings/readings-store'
import { SqliteHistory } from '../../../src/main/core/readings/sqlite-history'
import { FakeClock } from '../../helpers/fake-clock'
import { useInfluxd } from './use-influxd'

const T0 = Date.UTC(2026, 3, 1)
const OUTAGE_MS = 30_000
const TICK_MS = 50

const server = useInfluxd('iotcc-influx-outage-')

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

describe('InfluxDB history through a 30 s outage (real influxd)', () => {
  it('loses nothing while InfluxDB is stopped for 30 s mid-stream, and the history is complete after', async () => {
    const target = server.influxd.target('outage', {
      batchSize: 200,
      flushIntervalS: 0.1,
      maxQueueMB: 100,
    })
    const open = (): InfluxHistory =>
      new InfluxHistory({
        dataDir: join(server.dir, 'app'),
        clock: systemClock,
        logger: silentLogger,
        target,
        minBackoffMs: 100,
        maxBackoffMs: 500,
      })
    mkdirSync(join(server.dir, 'sqlite'))
    const sqliteStore = new ReadingsStore({
      dataDir: join(server.dir, 'sqlite'),
      clock: new FakeClock(T0 + 86_400_000),
      logger: silentLogger,
      retentionDays: () => 3650,
    })
    const sqlite = new SqliteHistory(sqliteStore)
    let influx = open()

    // Two boards, one message each every tick (device time one second apart), as a stream.
    let n = 0
    const send = (stores: HistoryStore[]): void => {
      for (const deviceId of ['esp32-aaaaaa', 'esp32-bbbbbb']) {
        const readings = [
          { metric: 'temperature', value: 20 + (n % 40) / 8 },
          { metric: 'humidity', value: 40 + (n % 16) / 4 },
        ]
        for (const s of stores) s.add(deviceId, T0 + n * 1000, n, readings)
      }
      n++
    }
    const stream = async (ms: number): Promise<void> => {
      const end = Date.now() + ms
      while (Date.now() < end) {
        send([influx, sqlite])
        await sleep(TICK_MS)
      }
    }

    await stream(1500)
    await until('the first batches to arrive', () => influx.queue.pending === 0)
    const before = await server.influxd.count('outage', 'iot', 'temperature')
    expect(before).toBeGreaterThan(0)

    await server.influxd.stop()
    const stoppedAt = Date.now()
    await stream(OUTAGE_MS / 2)
    expect(influx.queue.pending).toBeGreaterThan(0)
    expect(influx.queue.lastError).toMatch(/unreachable/)
    // Mid-outage the app restarts: what waits is on disk, not in memory.
    await influx.close()
    const queued = readdirSync(join(server.dir, 'app', 'history', 'influx-queue'))
    expect(queued.filter((f) => f.endsWith('.lp')).length).toBeGreaterThan(0)
    influx = open()
    await stream(OUTAGE_MS - (Date.now() - stoppedAt))
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(OUTAGE_MS)
    const waiting = influx.queue.pending
    expect(waiting).toBeGreaterThan(200)

    await server.influxd.start()
    await stream(1000)
    await until('the queue to drain', () => influx.queue.pending === 0 && influx.pending === 0)
    await influx.flush()

    const sent = n * 2
    expect(await server.influxd.count('outage', 'iot', 'temperature')).toBe(sent)
    expect(await server.influxd.count('outage', 'iot', 'humidity')).toBe(sent)
    expect(influx.stats.failed).toBe(0)
    // The history reads the same as the SQLite store fed the same stream, bucket by bucket.
    const q = {
      deviceIds: ['esp32-aaaaaa', 'esp32-bbbbbb'],
      metrics: ['temperature', 'humidity'],
      from: T0,
      to: T0 + n * 1000,
    }
    for (const points of [n, 100, 7]) {
      const got = await influx.query({ ...q, points })
      expect(got).toEqual(await sqlite.query({ ...q, points }))
      const counted = got.series.map((s) => s.buckets.reduce((sum, b) => sum + b.count, 0))
      expect(counted).toEqual([n, n, n, n])
    }
    await influx.close()
    sqliteStore.close()
  }, 90_000)
})
