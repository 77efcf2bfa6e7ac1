import { describe, expect, it } from 'vitest'
import { describeShed } from '../../../src/renderer/src/broker/shed-reasons'

describe('describeShed', () => {
  it('says nothing about counters at zero', () => {
    expect(describeShed({ uiReadings: 0, storeFailed: 0 })).toEqual([])
  })

  it('puts lost data first and says when only the live view was trimmed', () => {
    const lines = describeShed({ uiReadings: 12_345, storeFailed: 3, devicesRefused: 7 })
    expect(lines.map((l) => [l.kind, l.severity])).toEqual([
      ['storeFailed', 'error'],
      ['devicesRefused', 'warn'],
      ['uiReadings', 'info'],
    ])
    expect(lines[0]?.title).toBe('3 readings lost')
    expect(lines[2]?.title).toBe('12,345 readings left out of the live view')
    expect(lines[2]?.detail).toMatch(/They are stored/)
  })

  it('still shows a kind it does not know, by its name', () => {
    expect(describeShed({ somethingNew: 2 })[0]).toMatchObject({
      title: '2 × somethingNew',
      severity: 'warn',
    })
  })
})
