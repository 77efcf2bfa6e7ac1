import { describe, expect, it } from 'vitest'
import { ROUTES, claimedNatively } from '../../../src/shared/parsers/ecosystems/routes'
import { Z2mRegistry } from '../../../src/shared/parsers/ecosystems/z2m-registry'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parse, single, values } from './helpers'

describe('Tasmota sensor objects', () => {
  it.each([
    [
      'SHT3X',
      '{"SHT3X":{"Temperature":22.1,"Humidity":38.0,"DewPoint":7.2}}',
      { temperature: 22.1, humidity: 38, dew_point: 7.2 },
    ],
    [
      'BME280',
      '{"BME280":{"Temperature":19.9,"Humidity":51.2,"DewPoint":9.6,"Pressure":1009.8},"PressureUnit":"hPa"}',
      { temperature: 19.9, humidity: 51.2, dew_point: 9.6, pressure: 1009.8 },
    ],
    [
      'DS18B20',
      '{"DS18B20":{"Id":"01144A0CB2AA","Temperature":4.5},"TempUnit":"C"}',
      { temperature: 4.5 },
    ],
    [
      'DHT11 in °F',
      '{"DHT11":{"Temperature":70.7,"Humidity":40,"DewPoint":45.5},"TempUnit":"F"}',
      { temperature: 21.5, humidity: 40, dew_point: 7.5 },
    ],
    [
      'ENERGY',
      '{"ENERGY":{"Total":12.345,"Yesterday":0.5,"Today":0.1,"Power":42,"Voltage":230,"Current":0.2}}',
      { energy: 12.345, yesterday: 0.5, today: 0.1, power: 42, voltage: 230, current: 0.2 },
    ],
  ])('%s', (_name, payload, expected) => {
    expect(values(single(parse('tele/tasmota_1/SENSOR', payload)))).toEqual(expected)
  })
})

describe('ESPHome', () => {
  it('keeps an object id that is not a catalog name as its own metric', () => {
    const update = single(parse('garden/sensor/soil_temperature/state', '12.5'))
    expect(update).toMatchObject({ deviceId: 'garden', format: 'esphome' })
    expect(values(update)).toEqual({ soil_temperature: 12.5 })
  })

  it('reports nan as non-finite and ignores entities without numbers and commands', () => {
    expect(parse('garden/sensor/temperature/state', 'nan')).toMatchObject({ reason: 'non-finite' })
    expect(parse('garden/switch/pump/state', 'ON').kind).toBe('ignored')
    expect(parse('garden/sensor/temperature/command', '1').kind).toBe('ignored')
  })

  it('with discovery: the node stays the device, named metrics come from device_class', () => {
    const ha = new HaRegistry()
    const config = {
      name: 'Outdoor',
      dev_cla: 'temperature',
      unit_of_meas: '°C',
      stat_t: 'garden/sensor/outdoor/state',
      avty_t: 'garden/status',
      uniq_id: 'ESPsensoroutdoor',
      dev: { ids: 'a4cf12345678', name: 'garden', sw: 'esphome v2024.6.0', mdl: 'esp32dev' },
    }
    const learned = single(
      parse('homeassistant/sensor/garden/outdoor/config', JSON.stringify(config), { ha }),
    )
    expect(learned).toMatchObject({ deviceId: 'garden', format: 'esphome' })
    const state = single(parse('garden/sensor/outdoor/state', '8.5', { ha }))
    expect(state).toMatchObject({ deviceId: 'garden', format: 'esphome' })
    expect(values(state)).toEqual({ temperature: 8.5 })
    expect(single(parse('garden/status', 'offline', { ha }))).toMatchObject({
      deviceId: 'garden',
      online: false,
    })
  })

  it('reads the node’s own discovery message as device info and ignores its log lines', () => {
    const info = single(
      parse(
        'esphome/discover/livingroom',
        '{"name":"livingroom","friendly_name":"Living Room","ip":"192.168.1.50","mac":"a4cf12345678","version":"2024.6.0","platform":"ESP32","board":"esp32dev","network":"wifi","port":6053}',
      ),
    )
    expect(info).toMatchObject({
      deviceId: 'livingroom',
      readings: [],
      info: { name: 'Living Room', ip: '192.168.1.50', fw: 'ESPHome 2024.6.0', chip: 'esp32dev' },
    })
    expect(parse('livingroom/debug', '[D][sensor:094]: Sending state 21.30000 °C').kind).toBe(
      'ignored',
    )
    expect(single(parse('lab/debug', '3')).format).toBe('number')
  })

  it('does not take Home Assistant’s own example topic for a node', () => {
    expect(single(parse('homeassistant/sensor/x/state', '1')).format).not.toBe('esphome')
  })
})

describe('Shelly', () => {
  it('Gen1: relay energy in watt-minutes and emeter totals in Wh become kWh, channels get suffixes', () => {
    expect(values(single(parse('shellies/shelly1pm-AB12CD/relay/0/energy', '60000')))).toEqual({
      energy: 1,
    })
    expect(values(single(parse('shellies/shellyem-AB12CD/emeter/1/total', '2500')))).toEqual({
      energy_1: 2.5,
    })
    expect(values(single(parse('shellies/shelly1pm-AB12CD/relay/1/power', '12.5')))).toEqual({
      power_1: 12.5,
    })
    expect(values(single(parse('shellies/shelly1pm-AB12CD/temperature', '41.2')))).toEqual({
      device_temperature: 41.2,
    })
  })

  it('Gen1: commands and text states are ignored, not unparsed', () => {
    expect(parse('shellies/shelly1-AB12CD/relay/0/command', 'on').kind).toBe('ignored')
    expect(parse('shellies/shelly1-AB12CD/relay/0', 'on').kind).toBe('ignored')
    expect(parse('shellies/shelly1-AB12CD/online', 'maybe')).toMatchObject({ reason: 'bad-status' })
  })

  it('Gen2: a generic status update and a switch with its energy meter', () => {
    expect(
      values(single(parse('shellyplusht-aa/status/temperature:0', '{"id":0,"tC":20.1,"tF":68.2}'))),
    ).toEqual({ temperature: 20.1 })
    const plug = single(
      parse(
        'shellyplusplugs-bb/status/switch:0',
        '{"id":0,"output":true,"apower":8.9,"voltage":231.2,"current":0.05,"aenergy":{"total":1520.5}}',
      ),
    )
    expect(plug).toMatchObject({ deviceId: 'shellyplusplugs-bb', format: 'shelly' })
    expect(values(plug)).toEqual({ power: 8.9, voltage: 231.2, current: 0.05, energy: 1.5205 })
  })

  it('Gen2: NotifyEvent is ignored; another device’s `online` word falls through to the generic rules', () => {
    expect(
      parse(
        'shellyplusht-aa/events/rpc',
        '{"src":"x","method":"NotifyEvent","params":{"ts":1,"events":[]}}',
      ).kind,
    ).toBe('ignored')
    expect(single(parse('garage/door/online', '21'))).toMatchObject({ format: 'number' })
  })
})

describe('Zigbee2MQTT', () => {
  it('reads legacy availability, ignores commands and the bridge, keeps friendly names with slashes', () => {
    expect(single(parse('zigbee2mqtt/hall/motion/availability', 'offline'))).toMatchObject({
      deviceId: 'zigbee2mqtt.hall.motion',
      online: false,
    })
    expect(parse('zigbee2mqtt/hall/lamp/set', '{"state":"ON"}').kind).toBe('ignored')
    expect(parse('zigbee2mqtt/hall/lamp/set/brightness', '20').kind).toBe('ignored')
    expect(parse('zigbee2mqtt/bridge/state', '{"state":"online"}').kind).toBe('ignored')
    expect(parse('zigbee2mqtt/hall/motion', '{"occupancy":true}').kind).toBe('ignored')
  })

  it('without a device list, a voltage of 1000 or more is taken for mV', () => {
    expect(values(single(parse('zigbee2mqtt/a', '{"voltage":3005}')))).toEqual({ voltage: 3.005 })
    expect(values(single(parse('zigbee2mqtt/plug', '{"voltage":231,"power":5}')))).toEqual({
      voltage: 231,
      power: 5,
    })
  })
})

describe('units stated by the device', () => {
  it('Home Assistant: mV, Wh and Pa become V, kWh and hPa', () => {
    const ha = new HaRegistry()
    const config = (metric: string, unit: string): string =>
      JSON.stringify({
        dev_cla: metric,
        unit_of_meas: unit,
        stat_t: 'meter/state',
        val_tpl: `{{ value_json.${metric} }}`,
        dev: { ids: ['meter-1'] },
      })
    parse('homeassistant/sensor/m/v/config', config('voltage', 'mV'), { ha })
    parse('homeassistant/sensor/m/e/config', config('energy', 'Wh'), { ha })
    parse('homeassistant/sensor/m/p/config', config('pressure', 'Pa'), { ha })
    const update = single(
      parse('meter/state', '{"voltage":3012,"energy":1500,"pressure":101325}', { ha }),
    )
    expect(values(update)).toEqual({ voltage: 3.012, energy: 1.5, pressure: 1013.25 })
  })

  it('Zigbee2MQTT: a plug whose exposes say V keeps 1,000+ readings as they are', () => {
    const list = JSON.stringify([
      {
        ieee_address: '0x1',
        type: 'Router',
        friendly_name: 'plug',
        definition: {
          exposes: [
            { property: 'voltage', unit: 'V' },
            { property: 'energy', unit: 'kWh' },
          ],
        },
      },
    ])
    const context = { z2m: new Z2mRegistry() }
    parse('zigbee2mqtt/bridge/devices', list, context)
    expect(
      values(single(parse('zigbee2mqtt/plug', '{"voltage":1001,"energy":2}', context))),
    ).toEqual({
      voltage: 1001,
      energy: 2,
    })
  })
})

describe('BLE gateways', () => {
  it('Theengs Gateway uses the same shape', () => {
    const update = single(
      parse(
        'home/TheengsGateway/BTtoMQTT/C47C8D6A0B1C',
        '{"id":"C4:7C:8D:6A:0B:1C","model":"Miflora","tempc":19.5,"moi":37,"lux":1024,"fer":256}',
      ),
    )
    expect(update).toMatchObject({ deviceId: 'ble.C47C8D6A0B1C', format: 'ble' })
    expect(values(update)).toEqual({ temperature: 19.5, moisture: 37, illuminance: 1024, fer: 256 })
  })

  it('a topic whose last level is not a MAC is not a BLE sensor', () => {
    expect(single(parse('home/OpenMQTTGateway/BTtoMQTT/notamac', '{"tempc":1}')).format).toBe(
      'json',
    )
  })
})

describe('the route table', () => {
  it('says which ecosystems it routes, each once', () => {
    const names = ROUTES.map((r) => r.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual(
      expect.arrayContaining([
        'ours',
        'tasmota',
        'zigbee2mqtt',
        'shelly-gen1',
        'esphome',
        'ble-gateway',
      ]),
    )
  })

  it('a Home Assistant config for a natively read topic is ignored (no second device)', () => {
    const ha = new HaRegistry()
    const context = { prefix: 'iot', ha }
    expect(claimedNatively('zigbee2mqtt/kitchen', context)).toBe(true)
    expect(claimedNatively('home/OpenMQTTGateway/BTtoMQTT/A4C138AABBCC', context)).toBe(true)
    expect(claimedNatively('garden/sensor/temperature/state', context)).toBe(false)
    const config =
      '{"dev_cla":"temperature","stat_t":"zigbee2mqtt/kitchen","val_tpl":"{{ value_json.temperature }}","dev":{"ids":["0x1"]}}'
    expect(parse('homeassistant/sensor/0x1/temperature/config', config, { ha }).kind).toBe(
      'ignored',
    )
    expect(single(parse('zigbee2mqtt/kitchen', '{"temperature":20}', { ha })).deviceId).toBe(
      'zigbee2mqtt.kitchen',
    )
  })
})
