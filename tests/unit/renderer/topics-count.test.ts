import { describe, expect, it } from 'vitest'
import { topicCountText } from '../../../src/renderer/src/topics/topic-count'

describe('the Topics screen’s count', () => {
  it('is the number of topics while nothing was forgotten', () => {
    expect(topicCountText(1234, { cap: 10_000, evicted: 0 })).toBe('1,234 topics')
    expect(topicCountText(1, undefined)).toBe('1 topic')
  })

  it('says so once the cap is hit and older topics were forgotten', () => {
    expect(topicCountText(10_000, { cap: 10_000, evicted: 2_345 })).toBe(
      '10,000 topics shown; 2,345 older ones forgotten',
    )
    expect(topicCountText(10_000, { cap: 10_000, evicted: 1 })).toBe(
      '10,000 topics shown; 1 older one forgotten',
    )
  })
})
