import { useCallback, useEffect, useSyncExternalStore } from 'react'
import type { LiveSeries } from './live-store'
import { useLiveStore } from './store-context'

/**
 * Raw readings of the last 15 minutes of one device, kept only while a component uses
 * them (the store does not buffer raw points for every device).
 */
export function useLiveSeries(id: string): LiveSeries | undefined {
  const store = useLiveStore()
  useEffect(() => store.watch(id), [store, id])
  const subscribe = useCallback(
    (listener: () => void) => store.subscribeDevice(id, listener),
    [store, id],
  )
  return useSyncExternalStore(subscribe, () => store.getLive(id))
}
