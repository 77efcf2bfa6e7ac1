import { describe, expect, it } from 'vitest'
import type { Device } from '../../../src/shared/contract/devices'
import { metricInfo, sortMetrics, storedUnit } from '../../../src/shared/metrics'
import { valueFormat } from '../../../src/main/core/alerts/alert-text'
import { deviceMetrics, shownValues } from '../../../src/renderer/src/devices/latest-values'
import {
  deltaFromDisplay,
  displayUnit,
  formatMetric,
  fromDisplay,
  inSentence,
  toDisplay,
} from '../../../src/renderer/src/lib/units'
import { device } from './fixtures'

const at = (value: number) => ({ value, ts: 1 })

describe('metric catalog', () => {
  it('describes listed metrics with their stored unit and unknown ones by name', () => {
    expect(metricInfo('co2')).toMatchObject({ label: 'CO₂', unit: 'ppm' })
    expect(metricInfo('soil_ph')).toMatchObject({ label: 'Soil ph', unit: '' })
    expect(storedUnit('pressure')).toBe('hPa')
    expect(storedUnit('soil_ph')).toBeNull()
  })

  it('orders temperature and humidity first, catalog order next, the rest alphabetically', () => {
    expect(sortMetrics(['zeta', 'battery', 'humidity', 'alpha', 'temperature', 'battery'])).toEqual(
      ['temperature', 'humidity', 'battery', 'alpha', 'zeta'],
    )
  })
})

describe('showing any metric', () => {
  it('converts every temperature-like metric to °F, and nothing else', () => {
    expect(displayUnit('dew_point', 'F')).toBe('°F')
    expect(toDisplay('dew_point', 10, 'F')).toBe(50)
    expect(fromDisplay('dew_point', 50, 'F')).toBe(10)
    expect(deltaFromDisplay('temperature', 9, 'F')).toBe(5)
    expect(toDisplay('pressure', 1013, 'F')).toBe(1013)
    expect(displayUnit('pressure', 'F')).toBe('hPa')
  })

  it('formats with the catalog precision and unit', () => {
    expect(formatMetric('pressure', 1013.25, 'C')).toMatch(/^1[,.]?013[.,]3 hPa$/)
    expect(formatMetric('battery', 87.4, 'C')).toBe('87 %')
    expect(formatMetric('humidity', 40.5, 'C')).toBe('40.5 %')
    expect(formatMetric('soil_ph', 6.5, 'C')).toBe('6.5')
    expect(formatMetric('co2', Number.NaN, 'C')).toBe('–')
  })

  it('keeps acronyms inside sentences', () => {
    expect(inSentence('Pressure')).toBe('pressure')
    expect(inSentence('CO₂')).toBe('CO₂')
    expect(inSentence('PM2.5')).toBe('PM2.5')
  })

  it('gives a non-climate device its own metrics on the card and in the detail view', () => {
    const d = device('z2m-plug', {
      latest: { power: at(12.5), energy: at(0.4), linkquality: at(120), voltage: at(230.1) },
    })
    // What a plug measures (power, energy) comes before its supply and radio.
    expect(deviceMetrics(d)).toEqual(['power', 'energy', 'voltage', 'linkquality'])
    expect(shownValues(d, 'C').map((v) => [v.label, v.text])).toEqual([
      ['Power', '12.5 W'],
      ['Energy', '0.4 kWh'],
    ])
  })

  it('shows housekeeping readings only when the device measures nothing else', () => {
    const button = device('z2m-button', { latest: { linkquality: at(90), battery: at(71) } })
    expect(shownValues(button, 'C').map((v) => v.metric)).toEqual(['battery', 'linkquality'])
    const co2 = device('z2m-co2', {
      latest: { co2: at(612), battery: at(88), illuminance: at(340), temperature: at(22.1) },
    })
    expect(deviceMetrics(co2)).toEqual(['temperature', 'humidity', 'co2', 'illuminance', 'battery'])
  })

  it('adds what a climate sensor is about as a third value: air quality first', () => {
    const shown = (latest: Device['latest']): string[] =>
      shownValues(device('s', { latest }), 'C').map((v) => v.metric)
    // A CO₂ sensor with temperature and humidity is read by its CO₂, not by its battery.
    expect(
      shown({ co2: at(612), battery: at(88), temperature: at(22.1), humidity: at(40) }),
    ).toEqual(['temperature', 'humidity', 'co2'])
    // PM2.5 wins over pressure, which comes first in the catalog.
    expect(shown({ pressure: at(1000), pm25: at(8), pm10: at(12), temperature: at(20) })).toEqual([
      'temperature',
      'humidity',
      'pm25',
    ])
    // Otherwise the first measured metric; never a derived dew point or housekeeping.
    expect(
      shown({ dew_point: at(9), rssi: at(-60), pressure: at(1000), temperature: at(20) }),
    ).toEqual(['temperature', 'humidity', 'pressure'])
    expect(shown({ temperature: at(20), humidity: at(40), battery: at(90) })).toEqual([
      'temperature',
      'humidity',
    ])
    const co2 = shownValues(device('s', { latest: { co2: at(612), temperature: at(20) } }), 'C')
    expect(co2[2]).toMatchObject({ label: 'CO₂', text: '612 ppm' })
  })

  it('keeps temperature and humidity first for climate sensors, even before they report', () => {
    expect(deviceMetrics(device('dht'))).toEqual(['temperature', 'humidity'])
    // A gateway that only sent its Last Will is not assumed to be a thermometer.
    const gateway = device('home.OpenMQTTGateway', { format: 'json' })
    expect(deviceMetrics(gateway)).toEqual([])
    expect(shownValues(gateway, 'C')).toEqual([])
    expect(
      deviceMetrics(device('bme', { latest: { pressure: at(1000), temperature: at(20) } })),
    ).toEqual(['temperature', 'humidity', 'pressure'])
  })
})

describe('alert texts', () => {
  it('name the unit of any catalog metric and convert temperatures', () => {
    let units: 'C' | 'F' = 'C'
    const f = valueFormat(() => units)
    expect(f.value('co2', 1234)).toBe('1234 ppm')
    expect(f.value('humidity', 40.25)).toBe('40.3 %RH')
    expect(f.value('soil_ph', 6.1234)).toBe('6.123')
    units = 'F'
    expect(f.value('dew_point', 10)).toBe('50 °F')
    expect(f.delta('temperature', 5)).toBe('9 °F')
    expect(f.value('pressure', 1000)).toBe('1000 hPa')
  })
})
