import { describe, expect, it } from 'vitest'
import { dataAge, formatLag, nextLateness } from '../../../src/renderer/src/store/lateness'

const stats = (lagMs: number, paused = false) => ({
  lagMs,
  backlog: { queued: 0, highWater: 20_000, paused, pauses: 0 },
})

describe('nextLateness', () => {
  it('is on time up to 2 s of lag', () => {
    expect(nextLateness(null, stats(0))).toBeNull()
    expect(nextLateness(null, stats(2000))).toBeNull()
  })

  it('is late past 2 s, or whenever the broker holds publishers back', () => {
    expect(nextLateness(null, stats(12_000))).toEqual({ lagMs: 12_000, paused: false })
    expect(nextLateness(null, stats(300, true))).toEqual({ lagMs: 300, paused: true })
  })

  it('stays late until the lag is under a second, so a lag around 2 s does not blink', () => {
    const late = nextLateness(null, stats(2500))
    expect(nextLateness(late, stats(1800))).toEqual({ lagMs: 1800, paused: false })
    expect(nextLateness(late, stats(1000))).not.toBeNull()
    expect(nextLateness(late, stats(999))).toBeNull()
  })
})

describe('dataAge', () => {
  const now = 1_000_000

  it('is the plain age while data is on time', () => {
    expect(dataAge(now - 3000, now, null)).toEqual({ ms: 3000, atLeast: false })
  })

  it('is never fresher than the lag while data is late, and marked as a lower bound', () => {
    const late = { lagMs: 12_000, paused: false }
    expect(dataAge(now, now, late)).toEqual({ ms: 12_000, atLeast: true })
    expect(dataAge(now - 60_000, now, late)).toEqual({ ms: 60_000, atLeast: true })
  })

  it('says at least a second when publishers are held back with no measured lag yet', () => {
    expect(dataAge(now, now, { lagMs: 0, paused: true })).toEqual({ ms: 1000, atLeast: true })
  })
})

describe('formatLag', () => {
  it('reads naturally from tenths of a second to hours', () => {
    expect(formatLag(0)).toBe('0.0 s')
    expect(formatLag(2400)).toBe('2.4 s')
    expect(formatLag(12_300)).toBe('12 s')
    expect(formatLag(150_000)).toBe('3 min')
    expect(formatLag(3_600_000)).toBe('1 h')
    expect(formatLag(7_500_000)).toBe('2 h 5 min')
  })
})
