import { describe, expect, it } from 'vitest'
import { arrange, matches } from '../../../src/renderer/src/devices/device-view'
import { device } from './fixtures'

const info = (patch: object) => ({ ...device('x').info, ...patch })

describe('matches', () => {
  const kitchen = device('esp32-4f1a2c', {
    name: 'Kitchen',
    location: 'Ground floor',
    info: info({ fw: '1.4.2', ip: '192.168.1.77' }),
  })

  it('finds a device by name, id, location, firmware, address or format, ignoring case', () => {
    for (const q of ['kitch', '4F1A', 'ground', '1.4.2', '168.1.77', 'our firmware', '  KITCHEN '])
      expect(matches(kitchen, q), q).toBe(true)
  })

  it('does not match across two fields', () => {
    expect(matches(kitchen, 'kitchen esp32')).toBe(false)
  })

  it('matches everything with an empty query', () => {
    expect(matches(kitchen, '   ')).toBe(true)
  })
})

describe('arrange', () => {
  const devices = [
    device('a', { name: 'Room 10', location: 'Attic', firstSeen: 3, info: info({ rssi: -50 }) }),
    device('b', { name: 'Room 2', location: '', firstSeen: 1, online: false }),
    device('c', { name: 'Room 1', location: 'Attic', firstSeen: 2, info: info({ rssi: -80 }) }),
  ]
  const ids = (sort: Parameters<typeof arrange>[2], query = '') =>
    arrange(devices, query, sort, false)[0]?.ids

  it('sorts names as people read numbers', () => {
    expect(ids('name')).toEqual(['c', 'b', 'a'])
  })

  it('sorts by presence, newest, signal and location', () => {
    expect(ids('status')).toEqual(['c', 'a', 'b'])
    expect(ids('newest')).toEqual(['a', 'c', 'b'])
    expect(ids('signal')).toEqual(['c', 'a', 'b'])
    expect(ids('location')).toEqual(['c', 'a', 'b'])
  })

  it('filters before sorting', () => {
    expect(ids('name', 'attic')).toEqual(['c', 'a'])
  })

  it('groups by location, devices without one last', () => {
    expect(arrange(devices, '', 'name', true)).toEqual([
      { location: 'Attic', ids: ['c', 'a'] },
      { location: '', ids: ['b'] },
    ])
  })

  it('sorts and searches 5,000 devices well inside a frame budget', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      device(`bench-${i}`, { name: `Room ${(i * 7919) % 5000}`, info: info({ rssi: -(i % 60) }) }),
    )
    const started = performance.now()
    arrange(many, '', 'name', false)
    arrange(many, 'room 1', 'signal', true)
    // Generous: the bench measures the real figure; this only catches an accidental O(n²).
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
