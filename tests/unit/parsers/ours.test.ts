import { describe, expect, it } from 'vitest'
import { parse, single, values } from './helpers'

describe('our firmware topics', () => {
  it('reads telemetry with ts and seq', () => {
    const update = single(
      parse(
        'iot/esp32-a1b2c3/telemetry',
        '{"temperature":21.4,"humidity":40.5,"ts":1768478390,"seq":42}',
      ),
    )
    expect(update).toMatchObject({
      deviceId: 'esp32-a1b2c3',
      format: 'ours',
      seq: 42,
      ts: 1768478390_000,
    })
    expect(values(update)).toEqual({ temperature: 21.4, humidity: 40.5 })
  })

  it('reads telemetry without ts (clock not set yet)', () => {
    const update = single(
      parse('iot/esp32-a1b2c3/telemetry', '{"temperature":21.4,"humidity":40.5,"seq":1}'),
    )
    expect(update.ts).toBeUndefined()
  })

  it('honours a configured prefix', () => {
    expect(
      single(parse('lab/dev1/telemetry', '{"temperature":1}', { prefix: 'lab' })),
    ).toMatchObject({ deviceId: 'dev1', format: 'ours' })
    expect(
      single(parse('iot/dev1/telemetry', '{"temperature":1}', { prefix: 'lab' })),
    ).toMatchObject({ format: 'json' })
  })

  it('reads status online/offline and refuses other words', () => {
    expect(single(parse('iot/d/status', 'online'))).toMatchObject({
      deviceId: 'd',
      online: true,
      readings: [],
    })
    expect(single(parse('iot/d/status', 'offline'))).toMatchObject({ online: false })
    expect(parse('iot/d/status', 'sleeping')).toMatchObject({
      kind: 'unparsed',
      reason: 'bad-status',
    })
  })

  it('ignores cleared retained topics and commands', () => {
    expect(parse('iot/d/status', '')).toMatchObject({ kind: 'ignored' })
    expect(parse('iot/d/info', '')).toMatchObject({ kind: 'ignored' })
    expect(parse('iot/d/cmd', '{"cmd":"reboot"}')).toMatchObject({ kind: 'ignored' })
  })

  it('reads info fields and ignores unknown or mistyped ones', () => {
    const payload = JSON.stringify({
      id: 'd',
      name: 'Living room',
      fw: '1.2.0',
      mp: '1.27.0',
      chip: 'ESP32-D0WD',
      sensor: 'DHT22',
      ip: '192.168.1.23',
      mac: 'a4:cf:12:a1:b2:c3',
      rssi: -61,
      extra: 'x',
      sensorx: {},
    })
    expect(single(parse('iot/d/info', payload)).info).toEqual({
      name: 'Living room',
      fw: '1.2.0',
      mp: '1.27.0',
      chip: 'ESP32-D0WD',
      sensor: 'DHT22',
      ip: '192.168.1.23',
      mac: 'a4:cf:12:a1:b2:c3',
      rssi: -61,
    })
    expect(single(parse('iot/d/info', '{"rssi":"strong","name":["x"]}')).info).toEqual({})
    expect(parse('iot/d/info', 'not json')).toMatchObject({
      kind: 'unparsed',
      reason: 'invalid-json',
    })
  })

  it('reads events as JSON or plain text', () => {
    expect(
      single(parse('iot/d/event', '{"event":"sensor_error","msg":"DHT timeout"}')).event,
    ).toEqual({
      type: 'sensor_error',
      level: 'error',
      message: 'DHT timeout',
      raw: '{"event":"sensor_error","msg":"DHT timeout"}',
    })
    expect(
      single(parse('iot/d/event', '{"type":"cmd_applied","level":"info"}')).event,
    ).toMatchObject({ type: 'cmd_applied', level: 'info', message: null })
    expect(single(parse('iot/d/event', 'buffer flushed')).event).toMatchObject({
      type: 'event',
      message: 'buffer flushed',
    })
  })

  it('accepts the seed format on telemetry (legacy firmware) and reports junk', () => {
    expect(values(single(parse('iot/d/telemetry', 'temp:21,hum:40')))).toEqual({
      temperature: 21,
      humidity: 40,
    })
    expect(parse('iot/d/telemetry', '{"temperature":NaN}')).toMatchObject({
      kind: 'unparsed',
      reason: 'invalid-json',
    })
    expect(parse('iot/d/telemetry', '{"ok":true}')).toMatchObject({
      kind: 'unparsed',
      reason: 'no-numeric-fields',
    })
    expect(parse('iot/d/telemetry', '')).toMatchObject({ kind: 'unparsed', reason: 'empty' })
  })
})
