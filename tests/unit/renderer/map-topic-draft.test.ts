import { describe, expect, it } from 'vitest'
import {
  numericFields,
  suggestMapping,
  toMapping,
} from '../../../src/renderer/src/topics/map-topic-draft'

describe('Map to device… first guess', () => {
  it('names the device after the parent topic and the metric after a known last level', () => {
    expect(suggestMapping('lab/probe/temperature', '21.5')).toEqual({
      deviceId: 'lab.probe',
      metric: 'temperature',
      field: '',
    })
    expect(suggestMapping('lab/probe/raw', '21.5').metric).toBe('')
  })

  it('offers the numeric fields of a JSON payload, the first one chosen', () => {
    expect(numericFields('{"status":"ok","ppm":"612","co2":600,"flag":true}')).toEqual([
      'ppm',
      'co2',
    ])
    expect(suggestMapping('lab/meter', '{"co2":600}')).toEqual({
      deviceId: 'lab.meter',
      metric: 'co2',
      field: 'co2',
    })
    expect(numericFields('[1,2]')).toEqual([])
  })

  it('says what to fix before anything is sent', () => {
    expect(toMapping('a', { deviceId: 'a b', metric: 'x', field: '' })).toMatch(/Device id/)
    expect(toMapping('a', { deviceId: 'ab', metric: 'Temp', field: '' })).toMatch(/Metric/)
    expect(toMapping('a', { deviceId: ' ab ', metric: 'co2', field: 'ppm' })).toEqual({
      topic: 'a',
      deviceId: 'ab',
      metric: 'co2',
      field: 'ppm',
    })
  })
})
