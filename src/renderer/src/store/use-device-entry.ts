import { useCallback, useSyncExternalStore } from 'react'
import type { DeviceEntry } from './live-store'
import { useLiveStore } from './store-context'

const noSubscription = (): (() => void) => () => {}

/**
 * One device and its sparklines; re-renders only when that device changes. With
 * `follow` false (e.g. a card scrolled off screen) it keeps what it last showed and
 * catches up as soon as `follow` turns true again.
 */
export function useDeviceEntry(id: string, follow = true): DeviceEntry | undefined {
  const store = useLiveStore()
  const subscribe = useCallback(
    (listener: () => void) => store.subscribeDevice(id, listener),
    [store, id],
  )
  return useSyncExternalStore(follow ? subscribe : noSubscription, () => store.getEntry(id))
}
