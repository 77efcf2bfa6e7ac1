import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/main/core/create-core'
import { silentLogger } from '../../src/main/core/base/logger'
import type { CallOutcome } from '../../src/shared/api'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let core: Core

async function call(method: string, params: unknown = {}): Promise<unknown> {
  const outcome: CallOutcome = await core.call(method, params)
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`)
  return outcome.result
}

function publish(topic: string, payload: string, retain = false): void {
  core.ingest({
    topic,
    payload: new TextEncoder().encode(payload),
    qos: 1,
    retain,
    receivedAt: clock.now(),
    source: 'embedded',
  })
}

beforeEach(async () => {
  dir = await tempDir('core-ingest-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  core = await createCore({
    dataDir: dir.path,
    shell: 'web',
    version: 'test',
    logger: silentLogger,
    clock,
  })
})

afterEach(async () => {
  await core.close()
  await dir.cleanup()
})

describe('ingestion through the contract', () => {
  it('lists, queries, renames and forgets devices that arrived over MQTT', async () => {
    const start = clock.now()
    for (let i = 0; i < 10; i++) {
      publish('home/sensors/temp_hum', `temp:${20 + i},hum:40`)
      clock.advance(10_000)
    }
    publish('iot/esp32-a1b2c3/status', 'online', true)
    publish(
      'iot/esp32-a1b2c3/info',
      '{"name":"Living room","fw":"1.0.0","mac":"a4:cf:12:a1:b2:c3"}',
      true,
    )
    publish(
      'iot/esp32-a1b2c3/telemetry',
      `{"temperature":21.4,"humidity":40.5,"ts":${Math.floor(clock.now() / 1000)},"seq":1}`,
    )
    publish('weird/topic', 'garbage!')

    const devices = (await call('devices.list')) as {
      id: string
      name: string
      format: string
      online: boolean | null
    }[]
    expect(devices.map((d) => [d.id, d.name, d.format, d.online])).toEqual([
      ['home.sensors.temp_hum', 'home.sensors.temp_hum', 'seed', true],
      ['esp32-a1b2c3', 'Living room', 'ours', true],
    ])

    const query = (await call('readings.query', {
      deviceId: 'home.sensors.temp_hum',
      metric: 'temperature',
      from: start,
      to: start + 100_000,
      points: 5,
    })) as {
      bucketMs: number
      series: { buckets: { t: number; min: number; max: number; avg: number; count: number }[] }[]
    }
    expect(query.bucketMs).toBe(20_000)
    expect(query.series[0]!.buckets).toEqual([
      { t: start, min: 20, avg: 20.5, max: 21, count: 2 },
      { t: start + 20_000, min: 22, avg: 22.5, max: 23, count: 2 },
      { t: start + 40_000, min: 24, avg: 24.5, max: 25, count: 2 },
      { t: start + 60_000, min: 26, avg: 26.5, max: 27, count: 2 },
      { t: start + 80_000, min: 28, avg: 28.5, max: 29, count: 2 },
    ])

    expect(await call('readings.latest', { deviceId: 'esp32-a1b2c3' })).toEqual([
      {
        deviceId: 'esp32-a1b2c3',
        metric: 'humidity',
        ts: Math.floor(clock.now() / 1000) * 1000,
        value: 40.5,
      },
      {
        deviceId: 'esp32-a1b2c3',
        metric: 'temperature',
        ts: Math.floor(clock.now() / 1000) * 1000,
        value: 21.4,
      },
    ])
    expect(await call('ingest.stats')).toMatchObject({
      messages: 14,
      parsed: 13,
      unparsed: 1,
      unparsedByReason: { unrecognised: 1 },
    })
    expect(await call('ingest.unparsed', { limit: 1 })).toMatchObject([
      { topic: 'weird/topic', preview: 'garbage!' },
    ])

    expect(
      await call('devices.rename', { id: 'home.sensors.temp_hum', name: 'Seed sensor' }),
    ).toMatchObject({ name: 'Seed sensor' })
    expect(
      await call('devices.update', { id: 'home.sensors.temp_hum', location: 'Office' }),
    ).toMatchObject({ location: 'Office', notes: '' })
    expect(await call('devices.forget', { id: 'esp32-a1b2c3' })).toEqual({ ok: true })
    expect(core.readings.count('esp32-a1b2c3')).toBe(0)
    await expect(call('devices.get', { id: 'esp32-a1b2c3' })).rejects.toThrow(/NOT_FOUND/)
    await expect(call('readings.query', { from: 1, to: 2 })).rejects.toThrow(/INVALID_PARAMS/)
  })

  it('applies a new offline timeout from settings at once', async () => {
    publish('a/b', '{"t":1}')
    clock.advance(120_000)
    expect(((await call('devices.get', { id: 'a.b' })) as { online: boolean }).online).toBe(true)
    const updates: boolean[] = []
    core.events.on('device.updated', (d) => updates.push(d.online === true))
    await call('settings.update', { devices: { offlineAfterS: 60 } })
    clock.advance(50)
    expect(((await call('devices.get', { id: 'a.b' })) as { online: boolean }).online).toBe(false)
    expect(updates).toEqual([false])
  })

  it('raises an alert for a crossing even when a flood leaves that reading out of the live view', async () => {
    await call('alerts.createRule', {
      name: 'Too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
    })
    publish('iot/flood-1/telemetry', '{"temperature":20,"humidity":40}')
    clock.advance(50)
    // One hot reading, then far more readings in the same tick than one UI batch holds.
    publish('iot/flood-1/telemetry', '{"temperature":35,"humidity":40}')
    for (let i = 0; i < 6000; i++)
      publish('iot/flood-1/telemetry', '{"temperature":20,"humidity":40}')
    clock.advance(50)
    const stats = (await call('ingest.stats')) as { shed: Record<string, number> }
    expect(stats.shed.uiReadings).toBeGreaterThan(0)
    const log = (await call('alerts.log', {})) as { entries: { deviceId: string; value: number }[] }
    expect(log.entries.map((e) => [e.deviceId, e.value])).toEqual([['flood-1', 35]])
  })
})
