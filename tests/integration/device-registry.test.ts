import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import type { MessageMeta } from '../../src/main/core/devices/apply-update'
import { DeviceRegistry, MAX_DEVICES } from '../../src/main/core/devices/device-registry'
import type { DeviceUpdate } from '../../src/shared/parsers/types'
import { FakeClock } from '../helpers/fake-clock'
import { tempDir } from '../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
let clock: FakeClock
let registry: DeviceRegistry
let changes: string[]

async function open(): Promise<DeviceRegistry> {
  const r = new DeviceRegistry({
    dataDir: dir.path,
    clock,
    logger: silentLogger,
    offlineAfterS: () => 60,
  })
  await r.load()
  changes = []
  r.onChange((id) => changes.push(id))
  return r
}

function meta(topic: string, retained = false): MessageMeta {
  return { topic, source: 'embedded', receivedAt: clock.now(), retained }
}

function telemetry(
  deviceId: string,
  value: number,
  format: DeviceUpdate['format'] = 'seed',
): DeviceUpdate {
  return { deviceId, format, readings: [{ metric: 'temperature', value }] }
}

beforeEach(async () => {
  dir = await tempDir('registry-')
  clock = new FakeClock(Date.UTC(2026, 0, 15))
  registry = await open()
})

afterEach(async () => {
  await registry.close()
  await dir.cleanup()
})

describe('DeviceRegistry', () => {
  it('creates a device on its first message with latest value, topic and format', () => {
    registry.observe(
      telemetry('home.sensors.temp_hum', 21),
      meta('home/sensors/temp_hum'),
      clock.now(),
    )
    expect(registry.get('home.sensors.temp_hum')).toMatchObject({
      name: 'home.sensors.temp_hum',
      format: 'seed',
      online: true,
      presence: 'last-seen',
      lastSeen: clock.now(),
      latest: { temperature: { value: 21, ts: clock.now() } },
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
    registry.observe(update, meta('p'), clock.now())
    expect(registry.get('p').latest).toEqual({
      constructor: { value: 3, ts: clock.now() },
      tostring: { value: 4, ts: clock.now() },
    })
  })

  it('shows a device without Last Will offline after the silence timeout, and back online on data', () => {
    registry.observe(telemetry('d', 1), meta('d'), clock.now())
    changes = []
    clock.advance(60_000)
    expect(registry.get('d').online).toBe(true)
    clock.advance(5_000) // next sweep after the 60 s timeout
    expect(registry.get('d').online).toBe(false)
    expect(changes).toEqual(['d'])
    clock.advance(60_000)
    expect(changes).toEqual(['d']) // announced once, not on every sweep
    registry.observe(telemetry('d', 2), meta('d'), clock.now())
    expect(registry.get('d').online).toBe(true)
  })

  it('follows retained status and Last Will, not the timeout, when the device has them', () => {
    registry.observe(
      { deviceId: 'e', format: 'ours', readings: [], online: true },
      meta('iot/e/status', true),
      clock.now(),
    )
    expect(registry.get('e')).toMatchObject({ online: true, presence: 'status', lastSeen: null })
    clock.advance(3_600_000)
    expect(registry.get('e').online).toBe(true)
    registry.observe(
      { deviceId: 'e', format: 'ours', readings: [], online: false },
      meta('iot/e/status'),
      clock.now(),
    )
    expect(registry.get('e').online).toBe(false)
  })

  it('does not count a retained message as the device being alive', () => {
    registry.observe(telemetry('r', 5), meta('r', true), clock.now())
    expect(registry.get('r')).toMatchObject({
      online: null,
      lastSeen: null,
      latest: { temperature: { value: 5 } },
    })
  })

  it("keeps reported info, a bounded event ring and the person's edits", () => {
    registry.observe(
      { deviceId: 'e', format: 'ours', readings: [], info: { name: 'Hall', fw: '1.0', rssi: -70 } },
      meta('iot/e/info', true),
      clock.now(),
    )
    for (let i = 0; i < 60; i++) {
      registry.observe(
        {
          deviceId: 'e',
          format: 'ours',
          readings: [],
          event: { type: `e${i}`, level: 'info', message: null, raw: '{}' },
        },
        meta('iot/e/event'),
        clock.now(),
      )
    }
    expect(registry.get('e')).toMatchObject({
      name: 'Hall',
      reportedName: 'Hall',
      info: { fw: '1.0', rssi: -70, ip: null },
    })
    const events = registry.events('e')
    expect(events).toHaveLength(50)
    expect(events[0]!.type).toBe('e59')
    expect(registry.rename('e', 'Hallway').name).toBe('Hallway')
    expect(registry.rename('e', '  ').name).toBe('Hall')
    expect(() => registry.get('nope')).toThrow(/No device/)
  })

  it('names a board known only by its topic after the login it publishes with, until renamed', () => {
    const withLogin = (topic: string): MessageMeta => ({ ...meta(topic), login: 'ESP32_Sensor_01' })
    registry.observe(telemetry('home.sensors.temp_hum', 21), withLogin('home/sensors/temp_hum'), 0)
    expect(registry.get('home.sensors.temp_hum')).toMatchObject({
      id: 'home.sensors.temp_hum',
      name: 'ESP32_Sensor_01',
    })
    expect(registry.rename('home.sensors.temp_hum', 'Attic').name).toBe('Attic')
    // Without a login (anonymous from loopback) it stays named after its topic; a device that
    // names itself (our firmware, Zigbee2MQTT…) keeps its own name.
    registry.observe(telemetry('lab.t', 20), meta('lab/t'), 0)
    expect(registry.get('lab.t').name).toBe('lab.t')
    registry.observe(
      { deviceId: 'z', format: 'zigbee2mqtt', readings: [], info: { name: 'Kitchen plug' } },
      withLogin('zigbee2mqtt/Kitchen plug'),
      0,
    )
    expect(registry.get('z').name).toBe('Kitchen plug')
    registry.observe(telemetry('q', 20, 'tasmota'), withLogin('tele/q/SENSOR'), 0)
    expect(registry.get('q').name).toBe('q')
  })

  it('persists renames, metadata and forgets across reopen, writing once per burst', async () => {
    registry.observe(telemetry('a', 1), meta('a'), clock.now())
    registry.observe(telemetry('b', 2), meta('b'), clock.now())
    registry.rename('a', 'Attic')
    registry.update('a', { location: 'Top floor', notes: 'near the vent' })
    registry.forget('b')
    const file = join(dir.path, 'devices.json')
    const before = readFileSync(file, 'utf8')
    for (let i = 0; i < 1000; i++) registry.observe(telemetry('a', i), meta('a'), clock.now())
    expect(readFileSync(file, 'utf8')).toBe(before) // debounced: nothing written yet
    clock.advance(1000)
    await registry.save() // waits for the write the timer started
    expect(JSON.parse(readFileSync(file, 'utf8')).data.devices).toHaveLength(1)
    await registry.close()
    registry = await open()
    expect(
      registry.list().map((d) => [d.id, d.name, d.location, d.notes, d.latest.temperature?.value]),
    ).toEqual([['a', 'Attic', 'Top floor', 'near the vent', 999]])
    expect(registry.has('b')).toBe(false)
  })

  it('writes what messages change within 30 s, not every second, unless a person edits something', async () => {
    const file = join(dir.path, 'devices.json')
    registry.observe(telemetry('a', 1), meta('a'), clock.now())
    await registry.save()
    const written = (): number | undefined =>
      JSON.parse(readFileSync(file, 'utf8')).data.devices[0]?.latest.temperature?.value
    for (let s = 1; s <= 29; s++) {
      registry.observe(telemetry('a', 100 + s), meta('a'), clock.now())
      clock.advance(1000)
    }
    // Long enough for any write the timers started to land on disk.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(written()).toBe(1)
    clock.advance(1000)
    await registry.save()
    expect(written()).toBe(129)
    // An edit pulls the pending write forward to within a second.
    registry.observe(telemetry('a', 7), meta('a'), clock.now())
    registry.rename('a', 'Attic')
    clock.advance(1000)
    await new Promise((resolve) => setImmediate(resolve))
    await registry.save()
    expect(JSON.parse(readFileSync(file, 'utf8')).data.devices[0]).toMatchObject({
      customName: 'Attic',
    })
    expect(written()).toBe(7)
  })

  it('sets a corrupt registry file aside and starts empty', async () => {
    registry.observe(telemetry('a', 1), meta('a'), clock.now())
    await registry.close()
    writeFileSync(join(dir.path, 'devices.json'), '{"version":1,"data":{"devices":[{"id":')
    registry = await open()
    expect(registry.list()).toEqual([])
    expect(registry.warnings[0]).toMatch(/devices\.json is not valid JSON; it was moved to/)
    expect(readdirSync(dir.path).some((f) => f.startsWith('devices.json.corrupt-'))).toBe(true)
  })

  describe('when junk topics fill it', () => {
    function fillWithJunk(): void {
      for (let i = 0; i < MAX_DEVICES; i++)
        registry.observe(telemetry(`junk.${i}`, i, 'number'), meta(`junk/${i}`), clock.now())
      expect(registry.list()).toHaveLength(MAX_DEVICES)
    }

    it('refuses another topic-derived device while the junk is fresh', () => {
      fillWithJunk()
      expect(
        registry.observe(telemetry('home.sensors.new', 21), meta('home/sensors/new'), clock.now()),
      ).toBe(false)
      expect(registry.has('home.sensors.new')).toBe(false)
    })

    it('always lets in a device that publishes with its login or says it is online, in place of the stalest junk', () => {
      fillWithJunk()
      const withLogin = { ...meta('iot/board-1/telemetry'), login: 'board-1' }
      expect(registry.observe(telemetry('board-1', 21, 'ours'), withLogin, clock.now())).toBe(true)
      const birth: DeviceUpdate = {
        deviceId: 'board-2',
        format: 'ours',
        readings: [],
        online: true,
      }
      expect(registry.observe(birth, meta('iot/board-2/status'), clock.now())).toBe(true)
      expect(registry.has('board-1') && registry.has('board-2')).toBe(true)
      // The two junk topics heard longest ago gave way; the registry stays at its cap.
      expect(registry.has('junk.0') || registry.has('junk.1')).toBe(false)
      expect(registry.list()).toHaveLength(MAX_DEVICES)
      // Once in, they stay: more confirmed newcomers push out junk, never them.
      for (let i = 3; i < 50; i++)
        registry.observe(
          telemetry(`board-${i}`, 21, 'ours'),
          { ...meta(`iot/board-${i}/telemetry`), login: `board-${i}` },
          clock.now(),
        )
      expect(registry.has('board-1') && registry.has('board-2')).toBe(true)
    })

    it('lets a new topic-derived device replace junk that has gone silent, but never a device a person named', () => {
      fillWithJunk()
      registry.rename('junk.0', 'Actually my greenhouse')
      clock.advance(10 * 60_000)
      // junk.1 … are silent for 10 minutes now; junk.0 was named by a person and stays.
      expect(
        registry.observe(telemetry('home.sensors.new', 21), meta('home/sensors/new'), clock.now()),
      ).toBe(true)
      expect(registry.has('junk.0')).toBe(true)
      expect(registry.has('junk.1')).toBe(false)
    })

    it('remembers after a restart which devices are confirmed', async () => {
      registry.observe(
        telemetry('board-1', 21, 'ours'),
        { ...meta('iot/board-1/telemetry'), login: 'board-1' },
        clock.now(),
      )
      await registry.close()
      registry = await open()
      for (let i = 0; i < MAX_DEVICES; i++)
        registry.observe(telemetry(`junk.${i}`, i, 'number'), meta(`junk/${i}`), clock.now())
      // Full: 9,999 junk got in, the 10,000th was refused; board-1 was never at risk.
      expect(registry.has('board-1')).toBe(true)
      expect(registry.list()).toHaveLength(MAX_DEVICES)
    })
  })
})
