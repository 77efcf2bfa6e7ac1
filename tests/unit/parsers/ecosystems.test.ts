import { describe, expect, it } from 'vitest'
import { ecosystemFixtures } from '../../fixtures/ecosystems/load-fixtures'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parseMessage, type ParseContext } from '../../../src/shared/parsers/parse-message'
import type { DeviceUpdate } from '../../../src/shared/parsers/types'
import { NOW } from './helpers'

/** What the registry would make of a sequence of updates, per device (as apply-update does). */
interface Folded {
  format?: string
  online?: boolean
  name?: string
  readings: Record<string, number>
}

function fold(updates: DeviceUpdate[]): Map<string, Folded> {
  const devices = new Map<string, Folded>()
  for (const update of updates) {
    const device = devices.get(update.deviceId) ?? { readings: {} }
    devices.set(update.deviceId, device)
    if (update.readings.length > 0) device.format = update.format
    if (update.online !== undefined) device.online = update.online
    if (update.info?.name !== undefined) device.name = update.info.name
    for (const r of update.readings) device.readings[r.metric] = r.value
  }
  return devices
}

describe.each(ecosystemFixtures())('$ecosystem, as its documentation shows it', (fixture) => {
  it('becomes one device with its readings', () => {
    const context: ParseContext = { prefix: 'iot', ha: new HaRegistry() }
    const updates: DeviceUpdate[] = []
    for (const { topic, payload } of fixture.messages) {
      const outcome = parseMessage(
        { topic, payload: new TextEncoder().encode(payload), receivedAt: NOW },
        context,
      )
      expect(outcome.kind, `${topic}: ${JSON.stringify(outcome)}`).not.toBe('unparsed')
      if (outcome.kind === 'parsed') updates.push(...outcome.updates)
    }
    const devices = fold(updates)
    const withReadings = [...devices].filter(([, d]) => Object.keys(d.readings).length > 0)
    expect(withReadings.map(([id]) => id)).toEqual([fixture.expect.deviceId])
    const device = devices.get(fixture.expect.deviceId)!
    expect(device.format).toBe(fixture.expect.format)
    for (const [metric, value] of Object.entries(fixture.expect.readings))
      expect(device.readings[metric], metric).toBeCloseTo(value, 6)
    expect(Object.keys(device.readings).sort()).toEqual(Object.keys(fixture.expect.readings).sort())
    if (fixture.expect.online !== undefined) expect(device.online).toBe(fixture.expect.online)
    if (fixture.expect.name !== undefined) expect(device.name).toBe(fixture.expect.name)
  })

  it('quotes the documentation it comes from', () => {
    expect(fixture.source).toMatch(/https:\/\/|DESIGN\.md|seed/)
    expect(fixture.quote.length).toBeGreaterThan(80)
  })
})
