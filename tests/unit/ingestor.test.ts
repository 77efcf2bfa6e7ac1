import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName, EventPayload } from '../../src/shared/api'
import type { MqttMessage } from '../../src/shared/mqtt-message'
import { EventBus } from '../../src/main/core/base/event-bus'
import { silentLogger } from '../../src/main/core/base/logger'
import { DeviceRegistry } from '../../src/main/core/devices/device-registry'
import { Ingestor } from '../../src/main/core/ingest/ingestor'
import { ReadingsStore } from '../../src/main/core/readings/readings-store'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let store: ReadingsStore
let registry: DeviceRegistry
let ingestor: Ingestor
let emitted: { event: EventName; payload: unknown; at: number }[]

function message(
  topic: string,
  payload: string | Uint8Array,
  extra: Partial<MqttMessage> = {},
): MqttMessage {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload
  return {
    topic,
    payload: bytes,
    qos: 0,
    retain: false,
    receivedAt: clock.now(),
    source: 'embedded',
    ...extra,
  }
}

function eventsOf<E extends EventName>(event: E): EventPayload<E>[] {
  return emitted.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>)
}

beforeEach(async () => {
  dir = await tempDir('ingest-')
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
  const bus = new EventBus()
  emitted = []
  bus.onAny((event, payload) => emitted.push({ event, payload, at: clock.now() }))
  ingestor = new Ingestor({
    registry,
    store,
    clock,
    logger: silentLogger,
    emit: (e, p) => bus.emit(e, p),
    prefix: () => 'iot',
  })
})

afterEach(async () => {
  ingestor.close()
  await registry.close()
  store.close()
  await dir.cleanup()
})

describe('Ingestor', () => {
  it("turns the seed's exact publisher payload into a device and a stored reading", () => {
    ingestor.ingest(message('home/sensors/temp_hum', 'temp:21,hum:40'))
    const device = registry.get('home.sensors.temp_hum')
    expect(device).toMatchObject({ format: 'seed', online: true })
    expect(device.latest.temperature?.value).toBe(21)
    expect(device.latest.humidity?.value).toBe(40)
    expect(store.latest('home.sensors.temp_hum').map((r) => [r.metric, r.value])).toEqual([
      ['humidity', 40],
      ['temperature', 21],
    ])
    clock.advance(50)
    expect(eventsOf('readings.batch')).toEqual([
      [
        {
          deviceId: 'home.sensors.temp_hum',
          metric: 'temperature',
          ts: clock.now() - 50,
          value: 21,
        },
        { deviceId: 'home.sensors.temp_hum', metric: 'humidity', ts: clock.now() - 50, value: 40 },
      ],
    ])
    expect(eventsOf('device.updated').map((d) => d.id)).toEqual(['home.sensors.temp_hum'])
    expect(ingestor.stats()).toMatchObject({ messages: 1, parsed: 1, unparsed: 0, readings: 2 })
  })

  it('announces a new device before its first readings, so listeners never meet an unknown id', () => {
    ingestor.ingest(message('home/sensors/temp_hum', 'temp:30,hum:40'))
    clock.advance(50)
    expect(emitted.map((e) => e.event)).toEqual(['device.updated', 'readings.batch'])
  })

  it('coalesces a burst of 10,000 messages into at most 20 batches per second of fake time', () => {
    const seconds = 2
    const start = clock.now()
    for (let i = 0; i < 10_000; i++) {
      ingestor.ingest(
        message(
          `iot/dev${i % 5}/telemetry`,
          JSON.stringify({ temperature: 20 + (i % 10), humidity: 40, seq: i }),
        ),
      )
      clock.advance((seconds * 1000) / 10_000)
    }
    clock.advance(50)
    const batches = emitted.filter((e) => e.event === 'readings.batch')
    expect(batches.length).toBeLessThanOrEqual(seconds * 20 + 1)
    expect(batches.reduce((n, e) => n + (e.payload as unknown[]).length, 0)).toBe(20_000)
    for (let s = 0; s <= seconds; s++) {
      const inSecond = batches.filter(
        (e) => e.at >= start + s * 1000 && e.at < start + (s + 1) * 1000,
      )
      expect(inSecond.length).toBeLessThanOrEqual(20)
    }
    const updates = eventsOf('device.updated')
    for (let d = 0; d < 5; d++)
      expect(updates.filter((u) => u.id === `dev${d}`).length).toBeLessThanOrEqual(seconds * 20 + 1)
    expect(store.count()).toBe(20_000)
  })

  it('hands every stored reading to onStored even when a flood overflows the UI batches', () => {
    const stored: number[] = []
    ingestor.onStored((points) => {
      for (const p of points) stored.push(p.value)
    })
    // 30,000 messages with no clock movement: more than the UI's bounded batch keeps.
    for (let i = 0; i < 30_000; i++) {
      ingestor.ingest(
        // A generic metric: 30,000 °C would be refused as out of range.
        message(`iot/dev${i % 7}/telemetry`, JSON.stringify({ count: i, seq: i })),
      )
    }
    clock.advance(50)
    const batched = eventsOf('readings.batch').reduce((n, b) => n + b.length, 0)
    expect(batched).toBeLessThan(30_000)
    expect(stored).toEqual(Array.from({ length: 30_000 }, (_, i) => i))
  })

  it('counts unreadable messages per reason and keeps the last 200 for inspection', () => {
    for (let i = 0; i < 250; i++) ingestor.ingest(message(`junk/${i}`, 'hello'))
    ingestor.ingest(
      message('bin', new Uint8Array([0xff, 0xfe]), { qos: 1, retain: true, source: 'conn-2' }),
    )
    expect(ingestor.stats()).toMatchObject({
      messages: 251,
      unparsed: 251,
      unparsedByReason: { unrecognised: 250, binary: 1 },
    })
    const records = ingestor.unparsed()
    expect(records).toHaveLength(200)
    expect(records[0]).toMatchObject({
      topic: 'bin',
      reason: 'binary',
      preview: 'hex: ff fe',
      size: 2,
      qos: 1,
      retain: true,
      source: 'conn-2',
    })
    expect(records[1]).toMatchObject({ topic: 'junk/249', preview: 'hello' })
    expect(ingestor.unparsed(5, 'binary')).toHaveLength(1)
    expect(registry.list()).toEqual([])
  })

  it('drops QoS 1 redeliveries of the same seq and values', () => {
    const payload = '{"temperature":21.4,"humidity":40.5,"seq":42}'
    ingestor.ingest(message('iot/d/telemetry', payload, { qos: 1 }))
    clock.advance(2000)
    ingestor.ingest(message('iot/d/telemetry', payload, { qos: 1 }))
    ingestor.ingest(
      message('iot/d/telemetry', '{"temperature":22,"humidity":40.5,"seq":42}', { qos: 1 }),
    ) // rebooted: new values
    expect(store.count('d')).toBe(4)
    expect(ingestor.stats().duplicates).toBe(2)
  })

  it('shows a retained reading without device time as latest but does not store it', () => {
    ingestor.ingest(message('home/attic', '{"temperature":30}', { retain: true }))
    expect(registry.get('home.attic').latest.temperature?.value).toBe(30)
    expect(store.count()).toBe(0)
    expect(ingestor.stats().retainedNotStored).toBe(1)
    ingestor.ingest(
      message('home/attic', `{"temperature":31,"ts":${Math.floor(clock.now() / 1000)}}`, {
        retain: true,
      }),
    )
    expect(store.count()).toBe(1)
  })

  it('keeps device status, info and events from our topics', () => {
    ingestor.ingest(message('iot/esp32-a1b2c3/status', 'online', { retain: true }))
    ingestor.ingest(
      message(
        'iot/esp32-a1b2c3/info',
        '{"name":"Living room","fw":"1.0.0","ip":"192.168.1.5","rssi":-55}',
        { retain: true },
      ),
    )
    ingestor.ingest(
      message('iot/esp32-a1b2c3/event', '{"event":"sensor_error","msg":"DHT timeout"}'),
    )
    expect(registry.get('esp32-a1b2c3')).toMatchObject({
      name: 'Living room',
      online: true,
      presence: 'status',
      info: { fw: '1.0.0', ip: '192.168.1.5', rssi: -55 },
    })
    expect(registry.events('esp32-a1b2c3')).toMatchObject([
      { type: 'sensor_error', level: 'error', message: 'DHT timeout' },
    ])
    ingestor.ingest(message('iot/esp32-a1b2c3/status', 'offline', { retain: true }))
    expect(registry.get('esp32-a1b2c3').online).toBe(false)
  })

  it('announces forgotten devices and drops their pending updates', () => {
    ingestor.ingest(message('a/b', '{"t":1}'))
    registry.forget('a.b')
    clock.advance(50)
    expect(eventsOf('device.removed')).toEqual([{ id: 'a.b' }])
    expect(eventsOf('device.updated')).toEqual([])
  })
})
