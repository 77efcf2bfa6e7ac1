import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { InfluxStatus } from '../../../src/shared/contract/integrations'
import type { ReadingPoint } from '../../../src/shared/contract/readings'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import {
  InfluxForwarder,
  type InfluxForwardConfig,
} from '../../../src/main/core/influx/influx-forwarder'
import { tempDir } from '../../helpers/temp-dir'
import { useInfluxd } from './use-influxd'

const T0 = Date.UTC(2026, 0, 1)
const DB = 'iot_test'

const server = useInfluxd('iotcc-influx-')

function readings(from: number, count: number, deviceId = 'esp32-a1b2c3'): ReadingPoint[] {
  const out: ReadingPoint[] = []
  for (let i = from; i < from + count; i++) {
    out.push({ deviceId, metric: 'temperature', ts: T0 + i * 1000, value: 20 + (i % 50) / 10 })
    out.push({ deviceId, metric: 'humidity', ts: T0 + i * 1000, value: 40 })
  }
  return out
}

/** Resolves when `predicate(status)` holds, checking on every status event. */
function statusWhere(
  seen: InfluxStatus[],
  forwarder: InfluxForwarder,
  predicate: (s: InfluxStatus) => boolean,
  timeoutMs = 20_000,
): Promise<InfluxStatus> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const now = forwarder.status()
      if (predicate(now)) return resolve(now)
      if (Date.now() > deadline) {
        return reject(
          new Error(`status never matched; last: ${JSON.stringify(seen.at(-1) ?? now)}`),
        )
      }
      setTimeout(check, 20)
    }
    check()
  })
}

describe('InfluxDB 1.x forwarding (real influxd)', () => {
  it('writes batches, queues on disk through an outage and a restart, and loses nothing', async () => {
    const config: InfluxForwardConfig = server.influxd.target(DB, {
      batchSize: 100,
      flushIntervalS: 0.05,
      maxQueueMB: 10,
    })
    const seen: InfluxStatus[] = []
    const make = () =>
      new InfluxForwarder({
        dataDir: server.dir,
        clock: systemClock,
        logger: silentLogger,
        config: () => config,
        onStatus: (s) => seen.push(s),
        minBackoffMs: 50,
        maxBackoffMs: 200,
        requestTimeoutMs: 2000,
      })
    let forwarder = make()

    // 1. InfluxDB up: 500 points (temperature + humidity each) in batches of 100.
    forwarder.addReadings(readings(0, 500))
    await statusWhere(seen, forwarder, (s) => s.sent === 500 && s.pending === 0)
    expect(await server.influxd.count(DB, 'iot', 'temperature')).toBe(500)

    // 2. Outage: InfluxDB stops; 300 more points queue up on disk while it is down.
    await server.influxd.stop()
    forwarder.addReadings(readings(500, 300))
    const down = await statusWhere(
      seen,
      forwarder,
      (s) => s.state === 'retrying' && s.pending === 300,
    )
    expect(down.lastError).toMatch(/unreachable/)
    expect(seen.some((s) => s.state === 'retrying')).toBe(true)

    // 3. The app restarts during the outage: the queue is on disk, not in memory.
    await forwarder.close()
    expect(
      (await readdir(join(server.dir, 'influx-queue'))).filter((f) => f.endsWith('.lp')),
    ).toHaveLength(3)
    forwarder = make()
    forwarder.addReadings(readings(800, 200))
    forwarder.flush()
    expect(forwarder.status().pending).toBe(500)

    // 4. InfluxDB returns: the queue drains, oldest first, and every point is there.
    await server.influxd.start()
    const after = await statusWhere(seen, forwarder, (s) => s.pending === 0 && s.state === 'ok')
    expect(after.dropped).toBe(0)
    expect(after.rejected).toBe(0)
    expect(await server.influxd.count(DB, 'iot', 'temperature')).toBe(1000)
    expect(await server.influxd.count(DB, 'iot', 'humidity')).toBe(1000)
    const last = (await server.influxd.query(
      DB,
      'SELECT last("temperature"), "device" FROM "iot"',
    )) as {
      results: { series: { values: unknown[][] }[] }[]
    }
    expect(last.results[0]?.series[0]?.values[0]).toEqual([
      '2026-01-01T00:16:39Z',
      20 + 49 / 10,
      'esp32-a1b2c3',
    ])
    await forwarder.close()
  })

  it('counts lines InfluxDB refuses (field type conflict) instead of retrying them forever', async () => {
    const config: InfluxForwardConfig = server.influxd.target('iot_conflict', {
      batchSize: 10,
      flushIntervalS: 0.05,
      maxQueueMB: 10,
    })
    const sub = await tempDir('iotcc-influx-conflict-')
    const forwarder = new InfluxForwarder({
      dataDir: sub.path,
      clock: systemClock,
      logger: silentLogger,
      config: () => config,
      minBackoffMs: 50,
    })
    try {
      forwarder.addAlert({
        id: 1,
        ruleId: 'too-hot',
        ruleName: 'Too hot',
        deviceId: 'esp32-a1b2c3',
        deviceName: 'Living room',
        condition: 'threshold',
        metric: 'temperature',
        value: 30.5,
        message: 'Living room: temperature 30.5 °C is above 30 °C',
        firedAt: T0,
        clearedAt: null,
        acknowledgedAt: null,
        quiet: false,
      })
      forwarder.flush()
      await statusWhere([], forwarder, (s) => s.sent === 1)
      // `message` is a string field now; a float under the same key must be refused (400).
      config.measurement = 'iot_alerts'
      forwarder.addReadings([{ deviceId: 'x', metric: 'message', ts: T0 + 2, value: 1 }])
      forwarder.flush()
      const s = await statusWhere([], forwarder, (st) => st.rejected === 1 && st.pending === 0)
      expect(s.lastError).toMatch(/HTTP 400/)
      expect(await server.influxd.count('iot_conflict', 'iot_alerts', 'active')).toBe(1)
    } finally {
      await forwarder.close()
      await sub.cleanup()
    }
  })
})
