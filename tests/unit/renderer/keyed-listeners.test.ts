import { describe, expect, it } from 'vitest'
import { KeyedListeners } from '../../../src/renderer/src/lib/keyed-listeners'

describe('KeyedListeners', () => {
  it('notifies only the listeners of the key, until they unsubscribe', () => {
    const listeners = new KeyedListeners()
    const calls: string[] = []
    const offA = listeners.subscribe('a', () => calls.push('a1'))
    listeners.subscribe('a', () => calls.push('a2'))
    listeners.subscribe('b', () => calls.push('b'))
    listeners.notify('a')
    expect(calls).toEqual(['a1', 'a2'])
    offA()
    listeners.notify('a')
    listeners.notify('missing')
    expect(calls).toEqual(['a1', 'a2', 'a2'])
  })
})
