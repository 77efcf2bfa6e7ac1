import { describe, expect, it } from 'vitest'
import { parse, single, values } from './helpers'

describe('plain JSON objects', () => {
  it('reads numeric fields with temperature and humidity aliases', () => {
    const update = single(
      parse('home/kitchen', '{"temp":21.5,"h":40,"pressure":1013.2,"label":"x","ok":true}'),
    )
    expect(update).toMatchObject({ deviceId: 'home.kitchen', format: 'json' })
    expect(values(update)).toEqual({ temperature: 21.5, humidity: 40, pressure: 1013.2 })
  })

  it('takes numeric strings, converts °F, and names fields canonically or by their slug', () => {
    expect(values(single(parse('a', '{"temperature":"21.5","Battery Level":"87"}')))).toEqual({
      temperature: 21.5,
      battery: 87,
    })
    expect(values(single(parse('a', '{"Odd Field!":1,"batt":90,"volt":2.9}')))).toEqual({
      odd_field: 1,
      battery: 90,
      voltage: 2.9,
    })
    expect(values(single(parse('a', '{"temp_f":70.7}')))).toEqual({ temperature: 21.5 })
    expect(values(single(parse('a', '{"temperature":70.7,"unit":"F"}')))).toEqual({
      temperature: 21.5,
    })
  })

  it('treats ts and seq as metadata, using ts only when plausible', () => {
    const update = single(parse('a', '{"temperature":20,"ts":1768478400,"seq":7}'))
    expect(values(update)).toEqual({ temperature: 20 })
    expect(update.ts).toBe(1768478400_000)
    expect(update.seq).toBe(7)
    expect(single(parse('a', '{"temperature":20,"ts":1768478400123}')).ts).toBe(1768478400123)
    // An ESP32 without NTP counts from 2000-01-01: not a time to believe.
    expect(single(parse('a', '{"temperature":20,"ts":12345}')).ts).toBeUndefined()
    expect(single(parse('a', '{"temperature":20,"ts":4102444800}')).ts).toBeUndefined()
  })

  it('skips nested objects and reports objects without numbers', () => {
    expect(values(single(parse('a', '{"t":1,"nested":{"temperature":5}}')))).toEqual({
      temperature: 1,
    })
    expect(parse('a', '{"name":"x","nested":{"t":1}}')).toMatchObject({
      kind: 'unparsed',
      reason: 'no-numeric-fields',
    })
  })

  it('survives hostile keys', () => {
    const update = single(
      parse('a', '{"__proto__":{"x":1},"constructor":5,"unit":{"toString":1},"temp":3}'),
    )
    expect(values(update)).toEqual({ constructor: 5, temperature: 3 })
  })
})

describe('bare numbers', () => {
  it('names the metric after the last topic level and the device after the rest', () => {
    const update = single(parse('home/kitchen/temperature', '21.5'))
    expect(update).toMatchObject({ deviceId: 'home.kitchen', format: 'number' })
    expect(values(update)).toEqual({ temperature: 21.5 })
    expect(values(single(parse('home/kitchen/humidity', ' 40 %')))).toEqual({ humidity: 40 })
    expect(values(single(parse('home/kitchen/lux', '-0.5e2')))).toEqual({ illuminance: -50 })
  })

  it('reads JSON numbers and numeric strings, and uses "value" for one-level topics', () => {
    expect(values(single(parse('a/co2', '"415"')))).toEqual({ co2: 415 })
    expect(values(single(parse('sensor', '12')))).toEqual({ value: 12 })
  })

  it('refuses other scalars and non-finite numbers', () => {
    expect(parse('a/b', 'null')).toMatchObject({ kind: 'unparsed', reason: 'unrecognised' })
    expect(parse('a/b', '[1,2]')).toMatchObject({ kind: 'unparsed', reason: 'unrecognised' })
    expect(parse('a/b', 'NaN')).toMatchObject({ kind: 'unparsed', reason: 'non-finite' })
    expect(parse('a/b', '1e999')).toMatchObject({ kind: 'unparsed', reason: 'non-finite' })
    expect(parse('a/b', 'hello')).toMatchObject({ kind: 'unparsed', reason: 'unrecognised' })
    expect(parse('a/temperature', '21 %')).toMatchObject({
      kind: 'unparsed',
      reason: 'unrecognised',
    })
  })
})

describe('online/offline on a status topic', () => {
  it('sets the parent device online or offline', () => {
    expect(single(parse('home/kitchen/status', 'offline'))).toMatchObject({
      deviceId: 'home.kitchen',
      online: false,
    })
    expect(single(parse('home/kitchen/LWT', 'Online'))).toMatchObject({
      deviceId: 'home.kitchen',
      online: true,
    })
    expect(parse('home/kitchen/mood', 'online')).toMatchObject({ kind: 'unparsed' })
  })
})
