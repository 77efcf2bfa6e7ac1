import { useSyncExternalStore } from 'react'

/**
 * One shared 1 s clock for every "12 s ago" on screen: a single timer however many
 * devices are shown. `follow` false freezes a component's clock (off-screen cards).
 */
let now = Date.now()
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  if (!timer) {
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      for (const l of listeners) l()
    }, 1000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

const noSubscription = (): (() => void) => () => {}

export function useNow(follow = true): number {
  return useSyncExternalStore(follow ? subscribe : noSubscription, () => now)
}
