import { describe, expect, test } from 'vitest'
import { RateMeter } from '../../../src/main/core/flasher/progress'

describe('RateMeter', () => {
  test('speed over the window and time left', () => {
    let now = 0
    const meter = new RateMeter(() => now, 3000)
    meter.reset()
    now = 1000
    expect(meter.update(10_000, 100_000)).toEqual({
      percent: 10,
      bytesPerSecond: 10_000,
      etaSeconds: 9,
    })
    now = 2000
    expect(meter.update(30_000, 100_000)).toMatchObject({ bytesPerSecond: 15_000 })
  })

  test('old samples leave the window, so the speed follows changes', () => {
    let now = 0
    const meter = new RateMeter(() => now, 1000)
    meter.reset()
    for (let t = 1; t <= 10; t++) {
      now = t * 500
      meter.update(t * 500, null) // 1000 B/s
    }
    now = 5500
    const rate = meter.update(5000 + 2000, null) // a 4000 B/s burst
    expect(rate.bytesPerSecond).toBeGreaterThan(1000)
    expect(rate.percent).toBeNull()
    expect(rate.etaSeconds).toBeNull()
  })

  test('a resumed transfer measures only new bytes; finished means ETA 0', () => {
    let now = 0
    const meter = new RateMeter(() => now)
    meter.reset(50_000)
    now = 2000
    expect(meter.update(60_000, 60_000)).toEqual({
      percent: 100,
      bytesPerSecond: 5000,
      etaSeconds: 0,
    })
  })
})
