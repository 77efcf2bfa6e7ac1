import { describe, expect, it } from 'vitest'
import { parse, single, values } from './helpers'

describe('Tasmota', () => {
  it('reads a DHT11 SENSOR message', () => {
    const update = single(
      parse(
        'tele/tasmota_1A2B3C/SENSOR',
        '{"Time":"2026-01-15T13:00:00","DHT11":{"Temperature":21.5,"Humidity":40.0,"DewPoint":7.5},"TempUnit":"C"}',
      ),
    )
    expect(update).toMatchObject({ deviceId: 'tasmota_1A2B3C', format: 'tasmota' })
    expect(values(update)).toEqual({ temperature: 21.5, humidity: 40, dew_point: 7.5 })
    expect(update.ts).toBeUndefined()
  })

  it('converts °F and prefixes a second sensor with its name', () => {
    const update = single(
      parse(
        'tele/t/SENSOR',
        '{"AM2301":{"Temperature":70.7,"Humidity":50},"DS18B20":{"Id":"01","Temperature":32},"TempUnit":"F"}',
      ),
    )
    expect(values(update)).toEqual({ temperature: 21.5, humidity: 50, ds18b20_temperature: 0 })
  })

  it('reads LWT, STATE signal and INFO messages', () => {
    expect(single(parse('tele/t/LWT', 'Offline'))).toMatchObject({ deviceId: 't', online: false })
    expect(single(parse('tele/t/LWT', 'Online'))).toMatchObject({ online: true })
    expect(parse('tele/t/LWT', 'maybe')).toMatchObject({ kind: 'unparsed', reason: 'bad-status' })
    expect(
      single(
        parse('tele/t/STATE', '{"Uptime":"0T01:00:00","Wifi":{"AP":1,"RSSI":78,"Signal":-61}}'),
      ).info,
    ).toEqual({ rssi: -61 })
    expect(
      single(
        parse('tele/t/INFO1', '{"Info1":{"Module":"ESP32-DevKit","Version":"13.1.0(tasmota32)"}}'),
      ).info,
    ).toEqual({
      fw: 'Tasmota 13.1.0(tasmota32)',
      chip: 'ESP32-DevKit',
    })
    expect(
      single(parse('tele/t/INFO2', '{"Info2":{"Hostname":"t","IPAddress":"192.168.1.7"}}')).info,
    ).toEqual({ ip: '192.168.1.7' })
  })

  it('ignores other telemetry and command topics, and reports broken JSON', () => {
    expect(parse('tele/t/MARGINS', '{}')).toMatchObject({ kind: 'ignored' })
    expect(parse('cmnd/t/POWER', 'ON')).toMatchObject({ kind: 'ignored' })
    expect(parse('tele/t/SENSOR', '{"DHT11":')).toMatchObject({
      kind: 'unparsed',
      reason: 'invalid-json',
    })
    expect(parse('tele/t/SENSOR', '{"Time":"x"}')).toMatchObject({
      kind: 'unparsed',
      reason: 'no-numeric-fields',
    })
  })
})
