import { describe, expect, it } from 'vitest'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { compileTemplate, evaluateTemplate } from '../../../src/shared/parsers/ha-template'
import { parse, single, values } from './helpers'

const temperatureConfig = {
  name: 'Bedroom temperature',
  state_topic: 'bedroom/sensor/state',
  value_template: '{{ value_json.temperature }}',
  unit_of_measurement: '°C',
  device_class: 'temperature',
  availability_topic: 'bedroom/sensor/availability',
  device: {
    name: 'Bedroom sensor',
    identifiers: ['bedroom_sensor_01'],
    sw_version: '2.1',
    model: 'SHT31 board',
  },
}
const humidityConfig = {
  ...temperatureConfig,
  name: 'Bedroom humidity',
  value_template: "{{ value_json['humidity'] | float | round(1) }}",
  unit_of_measurement: '%',
  device_class: 'humidity',
}

function learnBoth(ha: HaRegistry): void {
  single(
    parse('homeassistant/sensor/bedroom/temperature/config', JSON.stringify(temperatureConfig), {
      ha,
    }),
  )
  single(
    parse('homeassistant/sensor/bedroom/humidity/config', JSON.stringify(humidityConfig), { ha }),
  )
}

describe('Home Assistant discovery', () => {
  it('learns a device from its configs and reads its shared JSON state topic', () => {
    const ha = new HaRegistry()
    const config = single(
      parse('homeassistant/sensor/bedroom/temperature/config', JSON.stringify(temperatureConfig), {
        ha,
      }),
    )
    expect(config).toMatchObject({
      deviceId: 'bedroom_sensor_01',
      format: 'homeassistant',
      readings: [],
      info: { name: 'Bedroom sensor', fw: '2.1', chip: 'SHT31 board' },
    })
    single(
      parse('homeassistant/sensor/bedroom/humidity/config', JSON.stringify(humidityConfig), { ha }),
    )
    const state = single(
      parse('bedroom/sensor/state', '{"temperature":19.25,"humidity":55.04}', { ha }),
    )
    expect(state).toMatchObject({ deviceId: 'bedroom_sensor_01', format: 'homeassistant' })
    expect(values(state)).toEqual({ temperature: 19.25, humidity: 55 })
  })

  it('reads availability with default and custom payloads', () => {
    const ha = new HaRegistry()
    learnBoth(ha)
    expect(single(parse('bedroom/sensor/availability', 'offline', { ha }))).toMatchObject({
      deviceId: 'bedroom_sensor_01',
      online: false,
    })
    expect(single(parse('bedroom/sensor/availability', 'online', { ha }))).toMatchObject({
      online: true,
    })
    expect(parse('bedroom/sensor/availability', 'gone', { ha })).toMatchObject({
      kind: 'unparsed',
      reason: 'bad-status',
    })
    single(
      parse(
        'homeassistant/sensor/x/config',
        JSON.stringify({
          state_topic: 's/x',
          availability: [{ topic: 'a/x', payload_available: 'up', payload_not_available: 'down' }],
        }),
        { ha },
      ),
    )
    expect(single(parse('a/x', 'down', { ha }))).toMatchObject({ online: false })
  })

  it('expands abbreviations and the ~ base topic, converts °F, and reads a raw value', () => {
    const ha = new HaRegistry()
    const config = {
      '~': 'garden/probe',
      stat_t: '~/temp',
      unit_of_meas: '°F',
      dev_cla: 'temperature',
      dev: { ids: 'probe-9', name: 'Probe' },
    }
    expect(
      single(parse('homeassistant/sensor/probe/config', JSON.stringify(config), { ha })),
    ).toMatchObject({ deviceId: 'probe-9' })
    expect(values(single(parse('garden/probe/temp', '70.7', { ha })))).toEqual({
      temperature: 21.5,
    })
  })

  it('forgets an entity on an empty config and ignores other components', () => {
    const ha = new HaRegistry()
    learnBoth(ha)
    expect(parse('homeassistant/sensor/bedroom/temperature/config', '', { ha })).toMatchObject({
      kind: 'ignored',
      reason: 'HA entity removed',
    })
    expect(
      values(single(parse('bedroom/sensor/state', '{"temperature":19,"humidity":50}', { ha }))),
    ).toEqual({ humidity: 50 })
    expect(parse('homeassistant/light/lamp/config', '{"command_topic":"x"}', { ha })).toMatchObject(
      { kind: 'ignored' },
    )
  })

  it('reports unsupported templates, missing values and broken configs', () => {
    const ha = new HaRegistry()
    single(
      parse(
        'homeassistant/sensor/y/config',
        JSON.stringify({ state_topic: 's/y', value_template: '{{ value_json.t * 2 }}' }),
        { ha },
      ),
    )
    expect(parse('s/y', '{"t":1}', { ha })).toMatchObject({
      kind: 'unparsed',
      reason: 'unsupported-template',
    })
    learnBoth(ha)
    expect(parse('bedroom/sensor/state', '{"pressure":1}', { ha })).toMatchObject({
      kind: 'unparsed',
      reason: 'template-no-value',
    })
    expect(
      parse('homeassistant/sensor/z/config', '{"name":"no state topic"}', { ha }),
    ).toMatchObject({ kind: 'unparsed', reason: 'bad-ha-config' })
    expect(parse('homeassistant/sensor/z/config', '{"state_topic":"a/#"}', { ha })).toMatchObject({
      kind: 'unparsed',
      reason: 'bad-ha-config',
    })
  })

  it('leaves topics that a native parser reads to that parser', () => {
    const ha = new HaRegistry()
    const config = {
      state_topic: 'tele/tasmota_X/SENSOR',
      value_template: '{{ value_json.DHT11.Temperature }}',
      device_class: 'temperature',
    }
    expect(parse('homeassistant/sensor/tx/config', JSON.stringify(config), { ha })).toMatchObject({
      kind: 'ignored',
    })
    expect(ha.size).toBe(0)
    expect(
      single(parse('tele/tasmota_X/SENSOR', '{"DHT11":{"Temperature":20}}', { ha })),
    ).toMatchObject({ format: 'tasmota' })
  })

  it('keeps two entities with the same device class as distinct metrics', () => {
    const ha = new HaRegistry()
    const base = { device_class: 'temperature', device: { identifiers: ['dual'] } }
    single(
      parse(
        'homeassistant/sensor/dual/inside/config',
        JSON.stringify({ ...base, state_topic: 'dual/in' }),
        { ha },
      ),
    )
    single(
      parse(
        'homeassistant/sensor/dual/outside/config',
        JSON.stringify({ ...base, state_topic: 'dual/out' }),
        { ha },
      ),
    )
    expect(values(single(parse('dual/in', '20', { ha })))).toEqual({ temperature: 20 })
    expect(values(single(parse('dual/out', '5', { ha })))).toEqual({ outside: 5 })
  })
})

describe('value_template subset', () => {
  it.each([
    ['{{ value }}', '21.5', 21.5],
    ['{{value_json.a.b}}', '{"a":{"b":3}}', 3],
    ['{{ value_json[\'a\']["b"][1] }}', '{"a":{"b":[1,2]}}', 2],
    ['{{ value_json.DHT11.Temperature | float }}', '{"DHT11":{"Temperature":"21.55"}}', 21.55],
    ['{{ value_json.x | round(1) }}', '{"x":21.55}', 21.6],
    ['{{ value_json.x | int }}', '{"x":21.9}', 21],
  ])('%s on %s → %s', (template, payload, expected) => {
    const compiled = compileTemplate(template)
    expect(compiled).not.toBeNull()
    expect(evaluateTemplate(compiled!, payload)).toBe(expected)
  })

  it.each([
    '{{ value_json.x * 2 }}',
    '{% if x %}1{% endif %}',
    '{{ value_json.x | upper }}',
    '{{ states("x") }}',
    '{{ value.x }}',
  ])('refuses %s', (template) => expect(compileTemplate(template)).toBeNull())

  it('does not walk into prototypes', () => {
    const compiled = compileTemplate('{{ value_json.constructor.length }}')!
    expect(evaluateTemplate(compiled, '{}')).toBeNull()
  })
})
