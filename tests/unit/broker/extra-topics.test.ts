import { describe, expect, it } from 'vitest'
import {
  checkExtraTopics,
  ExtraTopics,
  extraTopicProblem,
  filterCovers,
  filterMatches,
} from '../../../src/main/core/broker/extra-topics'

const levels = (s: string): string[] => s.split('/')

describe('extra topics of a login', () => {
  it('accepts exact topics and patterns under a literal root', () => {
    for (const ok of [
      'home/sensors/temp_hum',
      'home/sensors/#',
      'home/+/temp',
      'iot',
      'iot/dev-a/x',
    ])
      expect(extraTopicProblem(ok, 'iot', 'dev-a'), ok).toBeNull()
  })

  it('refuses $ topics, a bare #, wildcard or empty first levels and bad wildcards', () => {
    expect(extraTopicProblem('$SYS/broker/#', 'iot', 'dev-a')).toMatch(/broker's own/)
    expect(extraTopicProblem('#', 'iot', 'dev-a')).toMatch(/every topic/)
    expect(extraTopicProblem('+/temp', 'iot', 'dev-a')).toMatch(/literal first level/)
    expect(extraTopicProblem('/home', 'iot', 'dev-a')).toMatch(/literal first level/)
    expect(extraTopicProblem('home/#/x', 'iot', 'dev-a')).toMatch(/last level/)
    expect(extraTopicProblem('home/sens+', 'iot', 'dev-a')).toMatch(/whole level/)
    expect(extraTopicProblem('home/\u0000', 'iot', 'dev-a')).toMatch(/NUL/)
  })

  it("refuses anything reaching into another device's iot/<id>/…", () => {
    for (const bad of ['iot/#', 'iot/+/telemetry', 'iot/dev-b/telemetry', 'iot/+', 'iot/dev-b/#'])
      expect(extraTopicProblem(bad, 'iot', 'dev-a'), bad).toMatch(/other devices/)
    // With a prefix of two levels, a + on a prefix level still reaches in.
    expect(extraTopicProblem('site/+/dev-b/x', 'site/iot', 'dev-a')).toMatch(/other devices/)
    expect(extraTopicProblem('site/other/dev-b/x', 'site/iot', 'dev-a')).toBeNull()
  })

  it('checkExtraTopics trims, drops duplicates and names the refused filter', () => {
    expect(checkExtraTopics([' home/a ', 'home/a', 'home/#'], 'iot', 'x')).toEqual([
      'home/a',
      'home/#',
    ])
    expect(() => checkExtraTopics(['home/a', 'iot/#'], 'iot', 'x')).toThrow(/"iot\/#"/)
    expect(() =>
      checkExtraTopics(
        Array.from({ length: 33 }, (_, i) => `t/${i}`),
        'iot',
        'x',
      ),
    ).toThrow(/At most 32/)
  })

  it('matches topic names as MQTT 3.1.1 §4.7 says', () => {
    expect(filterMatches(levels('home/#'), levels('home'))).toBe(true)
    expect(filterMatches(levels('home/#'), levels('home/a/b'))).toBe(true)
    expect(filterMatches(levels('home/+'), levels('home/a/b'))).toBe(false)
    expect(filterMatches(levels('home/+/t'), levels('home/a/t'))).toBe(true)
    expect(filterMatches(levels('home/a'), levels('home/a/b'))).toBe(false)
    expect(filterMatches(levels('home/a'), levels('home'))).toBe(false)
  })

  it('a subscription is covered only when every topic it matches is allowed', () => {
    expect(filterCovers(levels('home/#'), levels('home/+/t'))).toBe(true)
    expect(filterCovers(levels('home/+/t'), levels('home/a/t'))).toBe(true)
    expect(filterCovers(levels('home/+/t'), levels('home/#'))).toBe(false)
    expect(filterCovers(levels('home/a/t'), levels('home/+/t'))).toBe(false)
    expect(filterCovers(levels('home/+'), levels('home/a/b'))).toBe(false)
    expect(filterCovers(levels('home/#'), levels('homes/#'))).toBe(false)
  })

  it("never lets a topic through into another device's area, even when the prefix changed", () => {
    // Allowed while the prefix was "iot"; the person then changed the prefix to "home".
    const extra = new ExtraTopics(['home/#'])
    expect(extra.allowsTopic('home/sensors/t', 'iot', 'dev-a')).toBe(true)
    expect(extra.allowsTopic('home/dev-b/cmd', 'home', 'dev-a')).toBe(false)
    expect(extra.allowsFilter('home/#', 'home', 'dev-a')).toBe(false)
    expect(extra.allowsFilter('home/dev-a/#', 'home', 'dev-a')).toBe(true)
  })
})
