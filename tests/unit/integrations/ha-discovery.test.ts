import { describe, expect, it } from 'vitest'
import type { Device } from '../../../src/shared/contract/devices'
import type { HomeAssistantConfig } from '../../../src/shared/contract/integrations'
import { silentLogger } from '../../../src/main/core/base/logger'
import { HaDiscovery } from '../../../src/main/core/integrations/ha-discovery'
import { discoveryMessages, skipReason } from '../../../src/main/core/integrations/ha-payloads'
import { FakeClock } from '../../helpers/fake-clock'
import { device } from '../alerts/alert-fixtures'
import { DISCOVERY_TOPIC, HaMqttSensor } from './ha-sensor-schema'

const ours = device('esp32-a1b2c3', {
  name: 'Living room "north"',
  latest: { temperature: { value: 21.4, ts: 1 }, humidity: { value: 40, ts: 1 } },
  info: {
    fw: '1.2.0',
    mp: '1.27.0',
    chip: 'ESP32-D0WD',
    sensor: 'DHT22',
    ip: '192.168.1.7',
    mac: 'AA:BB:CC:A1:B2:C3',
    rssi: -60,
  },
  location: 'Living room',
})

const options = { discoveryPrefix: 'homeassistant', prefix: 'iot', appVersion: '0.1.0' }

describe('Home Assistant discovery payloads', () => {
  it('validate against HA’s documented MQTT sensor schema, one per metric', () => {
    const messages = discoveryMessages(ours, options)
    expect(messages.map((m) => m.topic)).toEqual([
      'homeassistant/sensor/esp32-a1b2c3/temperature/config',
      'homeassistant/sensor/esp32-a1b2c3/humidity/config',
    ])
    for (const m of messages) {
      expect(m.topic).toMatch(DISCOVERY_TOPIC)
      const result = HaMqttSensor.safeParse(m.payload)
      expect(result.error?.issues ?? []).toEqual([])
    }
  })

  it('use our status topic for availability and the telemetry JSON for state', () => {
    const [temperature, humidity] = discoveryMessages(ours, options)
    expect(temperature?.payload).toMatchObject({
      state_topic: 'iot/esp32-a1b2c3/telemetry',
      value_template: '{{ value_json.temperature }}',
      device_class: 'temperature',
      unit_of_measurement: '°C',
      availability_topic: 'iot/esp32-a1b2c3/status',
      payload_available: 'online',
      payload_not_available: 'offline',
      unique_id: 'iotcc_esp32-a1b2c3_temperature',
      device: {
        identifiers: ['iotcc_esp32-a1b2c3'],
        name: 'Living room "north"',
        connections: [['mac', 'aa:bb:cc:a1:b2:c3']],
        sw_version: '1.2.0',
        suggested_area: 'Living room',
      },
    })
    expect(humidity?.payload).toMatchObject({ device_class: 'humidity', unit_of_measurement: '%' })
  })

  it('name availability only for devices that have sent a status (birth message / Last Will)', () => {
    // A board heard only through telemetry (older firmware, or a retained reading) has no
    // status topic HA could read `online` from: with one, HA would show it unavailable.
    const silent = { ...ours, presence: 'last-seen' as const, online: true }
    for (const m of discoveryMessages(silent, options)) {
      expect(m.payload).not.toHaveProperty('availability_topic')
      expect(m.payload).not.toHaveProperty('payload_available')
      expect(m.payload).not.toHaveProperty('payload_not_available')
      expect(HaMqttSensor.safeParse(m.payload).success).toBe(true)
    }
    for (const m of discoveryMessages(ours, options)) {
      expect(m.payload).toHaveProperty('availability_topic', 'iot/esp32-a1b2c3/status')
    }
  })

  it('republish a device’s configs with availability once it sends its first status', async () => {
    const sent: { topic: string; payload: string }[] = []
    const silent = { ...ours, presence: 'last-seen' as const }
    const ha = new HaDiscovery({
      clock: new FakeClock(),
      logger: silentLogger,
      config: () => ({ enabled: true, discoveryPrefix: 'homeassistant' }),
      devices: () => [silent],
      prefix: () => 'iot',
      mqtt: () => ({ publish: async (topic, payload) => void sent.push({ topic, payload }) }),
      appVersion: '0.1.0',
    })
    await ha.publishAll(false)
    expect(sent.map((s) => JSON.parse(s.payload) as object)).not.toContainEqual(
      expect.objectContaining({ availability_topic: expect.any(String) }),
    )
    ha.onDevice({ ...silent, presence: 'status' })
    await new Promise((r) => setImmediate(r))
    expect(sent).toHaveLength(4)
    expect(JSON.parse(sent.at(-1)?.payload ?? '{}')).toMatchObject({
      availability_topic: 'iot/esp32-a1b2c3/status',
    })
  })

  it('the schema catches what HA would refuse', () => {
    const [good] = discoveryMessages(ours, options)
    const bad = (patch: Record<string, unknown>) =>
      HaMqttSensor.safeParse({ ...good?.payload, ...patch }).success
    expect(bad({ unit_of_measurement: 'C' })).toBe(false)
    expect(bad({ device_class: 'temp' })).toBe(false)
    expect(bad({ state_topic: 'iot/+/telemetry' })).toBe(false)
    expect(bad({ availability: [{ topic: 'x' }] })).toBe(false)
    expect(bad({ unique_idd: 'typo' })).toBe(false)
  })

  it('skip devices HA gets another way, and devices without our topics', () => {
    for (const format of ['tasmota', 'homeassistant', 'seed', 'json'] as const) {
      expect(discoveryMessages({ ...ours, format }, options)).toEqual([])
    }
    expect(discoveryMessages({ ...ours, latest: {} }, options)).toEqual([])
  })

  it('tell each ecosystem where its Home Assistant entities come from; only ours-less formats are made by hand', () => {
    const reason = (format: Device['format']) =>
      skipReason({ ...ours, format, topics: ['home/sensors/temp_hum'] })
    expect(reason('zigbee2mqtt')).toMatch(/Zigbee2MQTT announces its devices/)
    expect(reason('esphome')).toMatch(/ESPHome nodes announce themselves/)
    expect(reason('shelly')).toMatch(/Shelly devices have their own Home Assistant integration/)
    expect(reason('ble')).toMatch(/OpenMQTTGateway, Theengs/)
    for (const format of ['zigbee2mqtt', 'esphome', 'shelly', 'ble', 'tasmota'] as const) {
      expect(reason(format)).not.toMatch(/by hand/)
    }
    for (const format of ['seed', 'json', 'number', 'mapped'] as const) {
      expect(reason(format)).toBe(
        'publishes on its own topic, not ours: add it to Home Assistant as an MQTT sensor by hand (state topic home/sensors/temp_hum)',
      )
    }
    expect(reason('ours')).toBeNull()
  })
})

describe('HaDiscovery publisher', () => {
  function setup(devices: Device[]) {
    const sent: { topic: string; payload: string; retain: boolean }[] = []
    const config: HomeAssistantConfig = { enabled: true, discoveryPrefix: 'homeassistant' }
    const ha = new HaDiscovery({
      clock: new FakeClock(),
      logger: silentLogger,
      config: () => config,
      devices: () => devices,
      prefix: () => 'iot',
      mqtt: () => ({
        publish: async (topic, payload, o) => {
          sent.push({ topic, payload, retain: o.retain })
        },
      }),
      appVersion: '0.1.0',
    })
    return { ha, sent, config }
  }

  const message = (topic: string, text: string) => ({
    topic,
    payload: new TextEncoder().encode(text),
    qos: 0 as const,
    retain: false,
    receivedAt: 0,
    source: 'embedded',
  })

  it('publishes retained configs once, again on HA’s `online` birth message, not on `offline`', async () => {
    const { ha, sent } = setup([ours, device('tasmota_1', { format: 'tasmota' })])
    await ha.publishAll(false)
    expect(sent).toHaveLength(2)
    expect(sent.every((s) => s.retain)).toBe(true)
    ha.onDevice(ours) // unchanged: nothing new
    await ha.publishAll(false)
    expect(sent).toHaveLength(2)

    ha.onMessage(message('homeassistant/status', 'offline'))
    ha.onMessage(message('other/status', 'online'))
    await new Promise((r) => setImmediate(r))
    expect(sent).toHaveLength(2)
    ha.onMessage(message('homeassistant/status', 'online'))
    await new Promise((r) => setImmediate(r))
    expect(sent).toHaveLength(4)
    expect(ha.status()).toMatchObject({
      published: 2,
      skipped: [
        {
          deviceId: 'tasmota_1',
          reason: 'Tasmota devices have their own Home Assistant integration',
        },
      ],
    })
  })

  it('republishes a renamed device and removes configs with empty retained messages', async () => {
    const { ha, sent } = setup([ours])
    await ha.publishAll(false)
    ha.onDevice({ ...ours, name: 'Lounge' })
    await new Promise((r) => setImmediate(r))
    expect(JSON.parse(sent.at(-1)?.payload ?? '{}')).toMatchObject({ device: { name: 'Lounge' } })
    await ha.unpublishAll()
    expect(sent.slice(-2)).toEqual([
      { topic: 'homeassistant/sensor/esp32-a1b2c3/temperature/config', payload: '', retain: true },
      { topic: 'homeassistant/sensor/esp32-a1b2c3/humidity/config', payload: '', retain: true },
    ])
    expect(ha.status().published).toBe(0)
  })
})
