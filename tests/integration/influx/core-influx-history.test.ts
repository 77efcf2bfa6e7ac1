import { PassThrough } from 'node:stream'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { callCore as call } from '../fixtures/test-cores'
import { useInfluxd } from './use-influxd'

const T0 = Date.UTC(2026, 4, 1)
const server = useInfluxd('iotcc-core-influx-')

function telemetry(core: Core, id: string, i: number): void {
  const payload = {
    temperature: 20 + i / 4,
    humidity: 40 + (i % 4),
    ts: (T0 + i * 1000) / 1000,
    seq: i,
  }
  core.ingest({
    topic: `iot/${id}/telemetry`,
    payload: new TextEncoder().encode(JSON.stringify(payload)),
    qos: 1,
    retain: false,
    receivedAt: T0 + i * 1000 + 50,
    source: 'embedded',
  })
}

describe('the core with InfluxDB as its history store (real influxd)', () => {
  it('stores ingested readings in InfluxDB only, and answers query, latest, export and forget from it', async () => {
    const core = await createCore({
      dataDir: join(server.dir, 'app'),
      shell: 'web',
      version: 'test',
      logger: silentLogger,
      mqtt: { brokerEnabled: false },
      history: { store: 'influx', url: `${server.influxd.url}/farm` },
    })
    try {
      expect(core.history.kind).toBe('influx')
      for (let i = 0; i < 120; i++) telemetry(core, 'esp32-aaaaaa', i)
      for (let i = 0; i < 60; i++) telemetry(core, 'esp32-bbbbbb', i)
      telemetry(core, 'esp32-aaaaaa', 5) // a redelivery: stored once

      const result = (await call(core, 'readings.query', {
        deviceIds: ['esp32-aaaaaa', 'esp32-bbbbbb'],
        metrics: ['temperature'],
        from: T0,
        to: T0 + 120_000,
        points: 2,
      })) as {
        bucketMs: number
        series: { buckets: { count: number; min: number; max: number }[] }[]
      }
      expect(result.bucketMs).toBe(60_000)
      expect(result.series.map((s) => s.buckets.map((b) => b.count))).toEqual([[60, 60], [60]])
      expect(result.series[0]!.buckets[1]).toMatchObject({ min: 35, max: 49.75 })
      expect(await server.influxd.count('farm', 'iot', 'humidity')).toBe(180)
      // History went to InfluxDB, not to the local SQLite file.
      expect(core.readings.count()).toBe(0)

      const latest = (await call(core, 'readings.latest', {
        deviceId: 'esp32-bbbbbb',
      })) as unknown[]
      expect(latest).toEqual([
        { deviceId: 'esp32-bbbbbb', metric: 'humidity', ts: T0 + 59_000, value: 43 },
        { deviceId: 'esp32-bbbbbb', metric: 'temperature', ts: T0 + 59_000, value: 34.75 },
      ])

      const out = new PassThrough()
      let csv = ''
      out.on('data', (chunk: Buffer) => (csv += chunk.toString()))
      const totals = await core.integrations.exporter.exportTo(
        {
          format: 'csv',
          deviceIds: ['esp32-bbbbbb'],
          metrics: ['temperature', 'humidity'],
          from: T0,
          to: T0 + 3000,
          bom: false,
        },
        out,
      )
      expect(totals.rows).toBe(3)
      expect(csv.trim().split(/\r?\n/).slice(1)).toEqual([
        '2026-05-01T00:00:00.000Z,esp32-bbbbbb,esp32-bbbbbb,20,40',
        '2026-05-01T00:00:01.000Z,esp32-bbbbbb,esp32-bbbbbb,20.25,41',
        '2026-05-01T00:00:02.000Z,esp32-bbbbbb,esp32-bbbbbb,20.5,42',
      ])

      await call(core, 'devices.forget', { id: 'esp32-aaaaaa' })
      expect(await server.influxd.count('farm', 'iot', 'humidity')).toBe(60)
    } finally {
      await core.close()
    }
  })
})
