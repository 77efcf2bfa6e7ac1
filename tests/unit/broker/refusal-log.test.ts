import { describe, expect, it } from 'vitest'
import type { Clock } from '../../../src/main/core/base/clock'
import type { RefusalSummary } from '../../../src/shared/contract/broker'
import {
  MAX_REFUSAL_ENTRIES,
  MAX_REFUSAL_TEXT,
  RefusalLog,
} from '../../../src/main/core/broker/refusal-log'

/** A clock whose timers run only when the test advances it. */
function fakeClock(): Clock & { advance(ms: number): void } {
  let now = 1_000_000
  const timers = new Map<number, { at: number; fn: () => void }>()
  let nextId = 1
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++
      timers.set(id, { at: now + ms, fn })
      return id
    },
    clearTimeout: (id) => void timers.delete(id as number),
    setInterval: () => 0,
    clearInterval: () => undefined,
    advance(ms) {
      now += ms
      for (const [id, t] of [...timers]) {
        if (t.at <= now) {
          timers.delete(id)
          t.fn()
        }
      }
    },
  }
}

describe('refusal log', () => {
  it('counts the same refusal once, with its last time, most recent first', () => {
    const clock = fakeClock()
    const log = new RefusalLog(clock)
    log.record('dev-a', 'dev-a', 'publish', 'home/sensors/temp_hum')
    clock.advance(10)
    log.record('dev-b', 'dev-b', 'subscribe', '#')
    clock.advance(10)
    log.record('dev-a', 'dev-a', 'publish', 'home/sensors/temp_hum')
    const summary = log.summary()
    expect(summary.total).toBe(3)
    expect(summary.publishes).toBe(2)
    expect(summary.entries.map((e) => [e.username, e.topic, e.count, e.lastAt])).toEqual([
      ['dev-a', 'home/sensors/temp_hum', 2, 1_000_020],
      ['dev-b', '#', 1, 1_000_010],
    ])
  })

  it('stays bounded when a client tries thousands of random long topics', () => {
    const log = new RefusalLog(fakeClock())
    for (let i = 0; i < 5000; i++)
      log.record('evil', 'evil', 'subscribe', `x/${i}/${'y'.repeat(5000)}`)
    const { entries, total } = log.summary()
    expect(total).toBe(5000)
    expect(entries).toHaveLength(MAX_REFUSAL_ENTRIES)
    expect(entries[0]?.topic.startsWith('x/4999/')).toBe(true)
    expect(Math.max(...entries.map((e) => e.topic.length))).toBe(MAX_REFUSAL_TEXT)
  })

  it('tells listeners at most once a second, with everything that happened meanwhile', () => {
    const clock = fakeClock()
    const log = new RefusalLog(clock)
    const heard: RefusalSummary[] = []
    log.onChange((s) => heard.push(s))
    log.record('a', 'a', 'publish', 't/1')
    clock.advance(0)
    expect(heard.map((s) => s.total)).toEqual([1])
    for (let i = 0; i < 50; i++) log.record('a', 'a', 'publish', 't/2')
    clock.advance(500)
    expect(heard).toHaveLength(1)
    clock.advance(500)
    expect(heard.map((s) => s.total)).toEqual([1, 51])
  })

  it('forgets what a login may now use', () => {
    const log = new RefusalLog(fakeClock())
    log.record('a', 'a', 'publish', 'home/x')
    log.record('b', 'b', 'publish', 'home/x')
    log.forget('a', (e) => e.topic === 'home/x')
    expect(log.summary().entries.map((e) => e.username)).toEqual(['b'])
    expect(log.summary().total).toBe(2)
  })
})
