import { describe, expect, it } from 'vitest'
import { parse, single, values } from './helpers'

describe("the seed article's temp:X,hum:Y payload", () => {
  it('reads the exact publisher payload on the seed topic', () => {
    const update = single(parse('home/sensors/temp_hum', 'temp:21,hum:40'))
    expect(update).toMatchObject({ deviceId: 'home.sensors.temp_hum', format: 'seed' })
    expect(values(update)).toEqual({ temperature: 21, humidity: 40 })
  })

  it('works on any topic, with floats, negatives and exponents as Python prints them', () => {
    expect(values(single(parse('garage/dht', 'temp:-3.5,hum:97.0')))).toEqual({
      temperature: -3.5,
      humidity: 97,
    })
    expect(values(single(parse('x', 'temp:1e-05,hum:40')))).toEqual({
      temperature: 0.00001,
      humidity: 40,
    })
  })

  it('tolerates spaces, "=", ";" and long or short key names', () => {
    expect(values(single(parse('a/b', ' temp = 21.5 ; hum= 40 ')))).toEqual({
      temperature: 21.5,
      humidity: 40,
    })
    expect(values(single(parse('a/b', 'temperature:20,humidity:30')))).toEqual({
      temperature: 20,
      humidity: 30,
    })
    expect(values(single(parse('a/b', 't:20,h:30')))).toEqual({ temperature: 20, humidity: 30 })
  })

  it('accepts units that fit the metric and converts °F', () => {
    expect(values(single(parse('a/b', 'temp:21.5C,hum:40%')))).toEqual({
      temperature: 21.5,
      humidity: 40,
    })
    expect(values(single(parse('a/b', 'temp:21.5 °C,hum:40 %RH')))).toEqual({
      temperature: 21.5,
      humidity: 40,
    })
    expect(values(single(parse('a/b', 'temp:70.7°F,hum:40')))).toEqual({
      temperature: 21.5,
      humidity: 40,
    })
  })

  it('keeps other keys as generic metrics', () => {
    expect(values(single(parse('a/b', 'temp:21,hum:40,co2:415')))).toEqual({
      temperature: 21,
      humidity: 40,
      co2: 415,
    })
  })

  it('refuses units that do not fit, duplicates, trailing separators and junk', () => {
    for (const payload of [
      'temp:21%,hum:40',
      'temp:21,hum:40C',
      'co2:415ppm',
      'temp:21,temp:22',
      'temp:21,hum:40,',
      'temp:21 hum:40',
      'temp:,hum:40',
      'temp:21abc',
    ]) {
      expect(parse('a/b', payload), payload).toMatchObject({
        kind: 'unparsed',
        reason: 'unrecognised',
      })
    }
  })

  it('reports nan and inf as non-finite instead of storing them', () => {
    expect(parse('a/b', 'temp:nan,hum:40')).toMatchObject({
      kind: 'unparsed',
      reason: 'non-finite',
    })
    expect(parse('a/b', 'temp:21,hum:-inf')).toMatchObject({
      kind: 'unparsed',
      reason: 'non-finite',
    })
    expect(parse('a/b', 'temp:1e400,hum:40')).toMatchObject({
      kind: 'unparsed',
      reason: 'non-finite',
    })
  })
})
