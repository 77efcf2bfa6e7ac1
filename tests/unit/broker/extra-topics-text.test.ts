import { describe, expect, it } from 'vitest'
import { parseTopicList, withTopic } from '../../../src/renderer/src/broker/extra-topics-text'

describe('the extra-topics field', () => {
  it('reads topics separated by commas or lines, trimmed, without empty ones', () => {
    expect(parseTopicList(' home/a , home/b\nhome/c,, ')).toEqual(['home/a', 'home/b', 'home/c'])
    expect(parseTopicList('')).toEqual([])
  })

  it('adds a suggested topic once', () => {
    expect(withTopic('', 'home/sensors/temp_hum')).toBe('home/sensors/temp_hum')
    expect(withTopic('home/#', 'home/x')).toBe('home/#, home/x')
    expect(withTopic('home/x, home/#', 'home/x')).toBe('home/x, home/#')
  })
})
