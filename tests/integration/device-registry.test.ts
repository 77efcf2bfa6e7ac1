import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { MessageMeta } from '../../src/main/core/devices/apply-update'
import type { DeviceUpdate } from '../../src/shared/parsers/types'
import { telemetry, useRegistry } from './device-registry-fixture'

const t = useRegistry()
const meta = t.meta

describe('DeviceRegistry', () => {
  it('creates a device on its first message with latest value, topic and format', () => {
    t.registry.observe(
      telemetry('home.sensors.temp_hum', 21),
      meta('home/sensors/temp_hum'),
      t.clock.now(),
    )
    expect(t.registry.get('home.sensors.temp_hum')).toMatchObject({
      name: 'home.sensors.temp_hum',
      format: 'seed',
      online: true,
      presence: 'last-seen',
      lastSeen: t.clock.now(),
      latest: { temperature: { value: 21, ts: t.clock.now() } },
      topics: ['home/sensors/temp_hum'],
      source: 'embedded',
    })
  })

  it('keeps metrics named like Object.prototype members', () => {
    const update: DeviceUpdate = {
      deviceId: 'p',
      format: 'json',
      readings: [
        { metric: 'constructor', value: 3 },
        { metric: 'tostring', value: 4 },
      ],
    }
    t.registry.observe(update, meta('p'), t.clock.now())
    expect(t.registry.get('p').latest).toEqual({
      constructor: { value: 3, ts: t.clock.now() },
      tostring: { value: 4, ts: t.clock.now() },
    })
  })

  it('shows a device without Last Will offline after the silence timeout, and back online on data', () => {
    t.registry.observe(telemetry('d', 1), meta('d'), t.clock.now())
    t.changes = []
    t.clock.advance(60_000)
    expect(t.registry.get('d').online).toBe(true)
    t.clock.advance(5_000) // next sweep after the 60 s timeout
    expect(t.registry.get('d').online).toBe(false)
    expect(t.changes).toEqual(['d'])
    t.clock.advance(60_000)
    expect(t.changes).toEqual(['d']) // announced once, not on every sweep
    t.registry.observe(telemetry('d', 2), meta('d'), t.clock.now())
    expect(t.registry.get('d').online).toBe(true)
  })

  it('follows retained status and Last Will, not the timeout, when the device has them', () => {
    t.registry.observe(
      { deviceId: 'e', format: 'ours', readings: [], online: true },
      meta('iot/e/status', true),
      t.clock.now(),
    )
    expect(t.registry.get('e')).toMatchObject({ online: true, presence: 'status', lastSeen: null })
    t.clock.advance(3_600_000)
    expect(t.registry.get('e').online).toBe(true)
    t.registry.observe(
      { deviceId: 'e', format: 'ours', readings: [], online: false },
      meta('iot/e/status'),
      t.clock.now(),
    )
    expect(t.registry.get('e').online).toBe(false)
  })

  it('does not count a retained message as the device being alive', () => {
    t.registry.observe(telemetry('r', 5), meta('r', true), t.clock.now())
    expect(t.registry.get('r')).toMatchObject({
      online: null,
      lastSeen: null,
      latest: { temperature: { value: 5 } },
    })
  })

  it("keeps reported info, a bounded event ring and the person's edits", () => {
    t.registry.observe(
      { deviceId: 'e', format: 'ours', readings: [], info: { name: 'Hall', fw: '1.0', rssi: -70 } },
      meta('iot/e/info', true),
      t.clock.now(),
    )
    for (let i = 0; i < 60; i++) {
      t.registry.observe(
        {
          deviceId: 'e',
          format: 'ours',
          readings: [],
          event: { type: `e${i}`, level: 'info', message: null, raw: '{}' },
        },
        meta('iot/e/event'),
        t.clock.now(),
      )
    }
    expect(t.registry.get('e')).toMatchObject({
      name: 'Hall',
      reportedName: 'Hall',
      info: { fw: '1.0', rssi: -70, ip: null },
    })
    const events = t.registry.events('e')
    expect(events).toHaveLength(50)
    expect(events[0]!.type).toBe('e59')
    expect(t.registry.rename('e', 'Hallway').name).toBe('Hallway')
    expect(t.registry.rename('e', '  ').name).toBe('Hall')
    expect(() => t.registry.get('nope')).toThrow(/No device/)
  })

  it('names a board known only by its topic after the login it publishes with, until renamed', () => {
    const withLogin = (topic: string): MessageMeta => ({ ...meta(topic), login: 'ESP32_Sensor_01' })
    t.registry.observe(
      telemetry('home.sensors.temp_hum', 21),
      withLogin('home/sensors/temp_hum'),
      0,
    )
    expect(t.registry.get('home.sensors.temp_hum')).toMatchObject({
      id: 'home.sensors.temp_hum',
      name: 'ESP32_Sensor_01',
    })
    expect(t.registry.rename('home.sensors.temp_hum', 'Attic').name).toBe('Attic')
    // Without a login (anonymous from loopback) it stays named after its topic; a device that
    // names itself (our firmware, Zigbee2MQTT…) keeps its own name.
    t.registry.observe(telemetry('lab.t', 20), meta('lab/t'), 0)
    expect(t.registry.get('lab.t').name).toBe('lab.t')
    t.registry.observe(
      { deviceId: 'z', format: 'zigbee2mqtt', readings: [], info: { name: 'Kitchen plug' } },
      withLogin('zigbee2mqtt/Kitchen plug'),
      0,
    )
    expect(t.registry.get('z').name).toBe('Kitchen plug')
    t.registry.observe(telemetry('q', 20, 'tasmota'), withLogin('tele/q/SENSOR'), 0)
    expect(t.registry.get('q').name).toBe('q')
  })

  it('persists renames, metadata and forgets across reopen, writing once per burst', async () => {
    t.registry.observe(telemetry('a', 1), meta('a'), t.clock.now())
    t.registry.observe(telemetry('b', 2), meta('b'), t.clock.now())
    t.registry.rename('a', 'Attic')
    t.registry.update('a', { location: 'Top floor', notes: 'near the vent' })
    t.registry.forget('b')
    const file = join(t.dir, 'devices.json')
    const before = readFileSync(file, 'utf8')
    for (let i = 0; i < 1000; i++) t.registry.observe(telemetry('a', i), meta('a'), t.clock.now())
    expect(readFileSync(file, 'utf8')).toBe(before) // debounced: nothing written yet
    t.clock.advance(1000)
    await t.registry.save() // waits for the write the timer started
    expect(JSON.parse(readFileSync(file, 'utf8')).data.devices).toHaveLength(1)
    await t.registry.close()
    await t.open()
    expect(
      t.registry
        .list()
        .map((d) => [d.id, d.name, d.location, d.notes, d.latest.temperature?.value]),
    ).toEqual([['a', 'Attic', 'Top floor', 'near the vent', 999]])
    expect(t.registry.has('b')).toBe(false)
  })

  it('writes what messages change within 30 s, not every second, unless a person edits something', async () => {
    const file = join(t.dir, 'devices.json')
    t.registry.observe(telemetry('a', 1), meta('a'), t.clock.now())
    await t.registry.save()
    const written = (): number | undefined =>
      JSON.parse(readFileSync(file, 'utf8')).data.devices[0]?.latest.temperature?.value
    for (let s = 1; s <= 29; s++) {
      t.registry.observe(telemetry('a', 100 + s), meta('a'), t.clock.now())
      t.clock.advance(1000)
    }
    // Long enough for any write the timers started to land on disk.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(written()).toBe(1)
    t.clock.advance(1000)
    await t.registry.save()
    expect(written()).toBe(129)
    // An edit pulls the pending write forward to within a second.
    t.registry.observe(telemetry('a', 7), meta('a'), t.clock.now())
    t.registry.rename('a', 'Attic')
    t.clock.advance(1000)
    await new Promise((resolve) => setImmediate(resolve))
    await t.registry.save()
    expect(JSON.parse(readFileSync(file, 'utf8')).data.devices[0]).toMatchObject({
      customName: 'Attic',
    })
    expect(written()).toBe(7)
  })

  it('sets a corrupt registry file aside and starts empty', async () => {
    t.registry.observe(telemetry('a', 1), meta('a'), t.clock.now())
    await t.registry.close()
    writeFileSync(join(t.dir, 'devices.json'), '{"version":1,"data":{"devices":[{"id":')
    await t.open()
    expect(t.registry.list()).toEqual([])
    expect(t.registry.warnings[0]).toMatch(/devices\.json is not valid JSON; it was moved to/)
    expect(readdirSync(t.dir).some((f) => f.startsWith('devices.json.corrupt-'))).toBe(true)
  })
})
