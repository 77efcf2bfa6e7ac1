/**
 * What the ingestor reports about the data path: an `ingest.stats` event while messages
 * flow (and one when they stop), how late data is from device timestamps, what the live
 * view left out, and publishers held back while storage is behind (real SQLite store).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName, EventPayload } from '../../../src/shared/api'
import type { MqttMessage } from '../../../src/shared/mqtt-message'
import { silentLogger } from '../../../src/main/core/base/logger'
import { DeviceRegistry } from '../../../src/main/core/devices/device-registry'
import { Ingestor, MAX_BATCH } from '../../../src/main/core/ingest/ingestor'
import { ReadingsStore } from '../../../src/main/core/readings/readings-store'
import { FakeClock } from '../../helpers/fake-clock'
import { tempDir } from '../../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let store: ReadingsStore
let registry: DeviceRegistry
let emitted: { event: EventName; payload: unknown }[]
let ingestor: Ingestor | undefined

function telemetry(id: string, deviceTs: number, seq: number): MqttMessage {
  return {
    topic: `iot/${id}/telemetry`,
    payload: Buffer.from(JSON.stringify({ temperature: 21, humidity: 40, ts: deviceTs, seq })),
    qos: 0,
    retain: false,
    receivedAt: clock.now(),
    source: 'embedded',
  }
}

function make(options: { highWater?: number } = {}): Ingestor {
  ingestor = new Ingestor({
    registry,
    store,
    clock,
    logger: silentLogger,
    emit: (event, payload) => emitted.push({ event, payload }),
    prefix: () => 'iot',
    ...options,
  })
  return ingestor
}

function statsEvents(): EventPayload<'ingest.stats'>[] {
  return emitted
    .filter((e) => e.event === 'ingest.stats')
    .map((e) => e.payload as EventPayload<'ingest.stats'>)
}

beforeEach(async () => {
  dir = await tempDir('ingest-path-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  store = new ReadingsStore({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    retentionDays: () => 90,
  })
  registry = new DeviceRegistry({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    offlineAfterS: () => 600,
  })
  await registry.load()
  emitted = []
})

afterEach(async () => {
  ingestor?.close()
  ingestor = undefined
  await registry.close()
  store.close()
  await dir.cleanup()
})

describe('Ingestor data path', () => {
  it('sends ingest.stats every second while messages flow, once more when they stop, then stays quiet', () => {
    const ingest = make()
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < 10; i++) ingest.ingest(telemetry('a', clock.now(), s * 10 + i))
      clock.advance(1000)
    }
    expect(statsEvents().map((e) => e.readingsPerS)).toEqual([20, 20, 20])
    clock.advance(5000)
    const events = statsEvents()
    expect(events).toHaveLength(4)
    expect(events[3]).toMatchObject({ readingsPerS: 0, messages: 30, readings: 60 })
  })

  it('reports lag as how far device time trails arrival, beyond each device clock’s own offset', () => {
    const ingest = make()
    // Device a runs 3 s behind our clock (its usual offset), device b on time.
    for (let s = 0; s < 5; s++) {
      ingest.ingest(telemetry('a', clock.now() - 3000, s))
      ingest.ingest(telemetry('b', clock.now(), s))
      clock.advance(1000)
    }
    expect(ingest.stats().lagMs).toBe(0)
    // Now everything arrives 8 s after it was sent: the app (or the network) is behind.
    for (let s = 5; s < 8; s++) {
      clock.advance(1000)
      ingest.ingest(telemetry('a', clock.now() - 3000 - 8000, s))
      ingest.ingest(telemetry('b', clock.now() - 8000, s))
    }
    clock.advance(1000)
    expect(statsEvents().at(-1)?.lagMs).toBe(8000)
  })

  it('keeps reporting the lag between the reports of boards that send about once a second', () => {
    const ingest = make()
    for (let s = 0; s < 3; s++) {
      ingest.ingest(telemetry('a', clock.now(), s))
      clock.advance(1200)
    }
    // Now 8 s late, reports 1.2 s apart (timer jitter on a busy board or machine).
    for (let s = 3; s < 10; s++) {
      ingest.ingest(telemetry('a', clock.now() - 8000, s))
      clock.advance(1200)
    }
    const lags = statsEvents().map((e) => e.lagMs)
    expect(lags.slice(-5)).toEqual([8000, 8000, 8000, 8000, 8000])
  })

  it('does not read one board replaying its offline spool as the whole app being late', () => {
    const ingest = make()
    for (let s = 0; s < 3; s++) {
      for (const id of ['a', 'b', 'c']) ingest.ingest(telemetry(id, clock.now(), s))
      clock.advance(1000)
    }
    for (let i = 0; i < 100; i++)
      ingest.ingest(telemetry('c', clock.now() - 3_600_000 + i * 1000, 100 + i))
    for (const id of ['a', 'b']) ingest.ingest(telemetry(id, clock.now(), 50))
    clock.advance(1000)
    expect(statsEvents().at(-1)?.lagMs).toBe(0)
  })

  it('counts the readings a live batch left out, and still stores them', () => {
    const ingest = make()
    const messages = MAX_BATCH // two readings each: half of them do not fit one UI batch
    for (let i = 0; i < messages; i++) ingest.ingest(telemetry(`d${i % 50}`, clock.now(), i))
    ingest.flushEvents()
    const batch = emitted.find((e) => e.event === 'readings.batch')?.payload as unknown[]
    expect(batch).toHaveLength(MAX_BATCH)
    expect(ingest.stats().shed.uiReadings).toBe(messages * 2 - MAX_BATCH)
    store.flush()
    expect(store.count()).toBe(messages * 2)
  })

  it('holds publishers back above the high-water mark and lets them go once storage has caught up', () => {
    const ingest = make({ highWater: 10 })
    const released: number[] = []
    for (let i = 0; i < 30; i++) {
      ingest.ingest(telemetry('a', clock.now(), i))
      ingest.admit(() => released.push(i))
    }
    // Messages up to the mark go through; after that the broker must wait.
    expect(released.length).toBeLessThan(30)
    expect(ingest.stats().backlog).toMatchObject({ paused: true, pauses: 1, highWater: 10 })
    expect(ingest.stats().backlog.queued).toBeGreaterThanOrEqual(10)
    store.flush()
    ingest.flushEvents()
    expect(released).toEqual(Array.from({ length: 30 }, (_, i) => i))
    expect(ingest.stats().backlog).toMatchObject({ paused: false, queued: 0, pauses: 1 })
  })
})

describe('readings no sensor could measure', () => {
  function publish(topic: string, body: unknown): void {
    ingestor!.ingest({
      topic,
      payload: Buffer.from(JSON.stringify(body)),
      qos: 0,
      retain: false,
      receivedAt: clock.now(),
      source: 'embedded',
    })
  }

  it('turns them into a sensor_error event, stores the rest and counts them', () => {
    make()
    publish('iot/dht/info', { name: 'Hall', sensor: 'DHT11' })
    // DHT11: 0…50 °C, 20…90 %RH: 55 °C is a fault; 40 %RH is fine.
    publish('iot/dht/telemetry', { temperature: 55, humidity: 40 })
    // Whatever the sensor: below absolute zero, or a negative relative humidity.
    publish('iot/other/telemetry', { temperature: -639155, humidity: -845 })
    store.flush()
    expect(store.latest('dht').map((r) => [r.metric, r.value])).toEqual([['humidity', 40]])
    expect(store.latest('other')).toEqual([])
    expect(ingestor!.stats().outOfRange).toBe(3)
    expect(registry.events('dht')[0]).toMatchObject({
      type: 'sensor_error',
      level: 'error',
      message: expect.stringMatching(
        /temperature 55 °C is outside what a DHT11 can measure \(0…50 °C\)/,
      ),
    })
    expect(registry.events('other')[0]?.message).toMatch(
      /-639155 °C is outside what is physically possible.*and 1 more/,
    )
  })

  it('checks a Tasmota reading against the sensor that measured it', () => {
    make()
    publish('tele/plug/SENSOR', { AM2301: { Temperature: 95.1, Humidity: 50 }, TempUnit: 'C' })
    store.flush()
    // AM2301 (a DHT22): −40…80 °C.
    expect(store.latest('plug').map((r) => r.metric)).toEqual(['humidity'])
    expect(ingestor!.stats().outOfRange).toBe(1)
  })
})

describe('device time and reboots', () => {
  function publish(topic: string, body: unknown, extra: Partial<MqttMessage> = {}): void {
    ingestor!.ingest({
      topic,
      payload: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
      qos: 1,
      retain: false,
      receivedAt: clock.now(),
      source: 'embedded',
      ...extra,
    })
  }

  it('keeps the readings of a board that rebooted and starts again at seq 0 with the same values', () => {
    make()
    publish('iot/b/status', 'online')
    for (let seq = 0; seq < 3; seq++) {
      publish('iot/b/telemetry', { temperature: 21, humidity: 40, seq })
      clock.advance(10_000)
    }
    // A redelivery before the reboot is still dropped…
    publish('iot/b/telemetry', { temperature: 21, humidity: 40, seq: 2 })
    expect(ingestor!.stats().duplicates).toBe(2)
    // …but after its birth message the board's seq 0 is a new reading.
    publish('iot/b/status', 'online')
    publish('iot/b/telemetry', { temperature: 21, humidity: 40, seq: 0 })
    store.flush()
    expect(store.count('b')).toBe(8)
    expect(ingestor!.stats().duplicates).toBe(2)
  })

  it('stores readings from a board whose clock is not set at arrival time, and says so once an hour', () => {
    make()
    const wrong = Date.UTC(2024, 2, 1, 12, 0) / 1000
    publish('iot/c/telemetry', { temperature: 21, ts: wrong, seq: 1 })
    clock.advance(60_000)
    publish('iot/c/telemetry', { temperature: 22, ts: wrong + 60, seq: 2 })
    store.flush()
    const rows = [...store.iterate({ from: 0, to: clock.now() + 1 })].map((p) => p.ts)
    expect(rows).toEqual([clock.now() - 60_000, clock.now()])
    const events = registry.events('c').filter((e) => e.type === 'clock_not_set')
    expect(events).toHaveLength(1)
    expect(events[0]?.message).toMatch(/clock says 2024-03-01 12:00 UTC/)
    expect(ingestor!.stats().deviceTimeIgnored).toBe(2)
  })

  it('keeps the device time of an offline spool replayed hours later', () => {
    make()
    const measured = clock.now() - 6 * 3_600_000
    publish('iot/d/telemetry', { temperature: 21, ts: measured, seq: 1 })
    store.flush()
    expect([...store.iterate({ from: 0, to: clock.now() + 1 })].map((p) => p.ts)).toEqual([
      measured,
    ])
    expect(ingestor!.stats().deviceTimeIgnored).toBe(0)
  })
})
