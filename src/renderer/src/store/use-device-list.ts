import { useSyncExternalStore } from 'react'
import type { DeviceList } from './live-store'
import { useLiveStore } from './store-context'

/** All devices; changes only when one is added, removed, renamed, moved or goes on/offline. */
export function useDeviceList(): DeviceList {
  const store = useLiveStore()
  return useSyncExternalStore(store.subscribeList, store.getList)
}
