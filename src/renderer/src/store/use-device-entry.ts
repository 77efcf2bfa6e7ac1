import { useCallback, useSyncExternalStore } from 'react'
import type { DeviceEntry } from './live-store'
import { useLiveStore } from './store-context'

/** One device and its sparklines; re-renders only when that device changes. */
export function useDeviceEntry(id: string): DeviceEntry | undefined {
  const store = useLiveStore()
  const subscribe = useCallback(
    (listener: () => void) => store.subscribeDevice(id, listener),
    [store, id],
  )
  return useSyncExternalStore(subscribe, () => store.getEntry(id))
}
