import { createContext, useContext } from 'react'
import type { IngestMonitor } from './ingest-monitor'
import type { LiveStore } from './live-store'

export const StoreContext = createContext<LiveStore | null>(null)
export const IngestContext = createContext<IngestMonitor | null>(null)

export function useLiveStore(): LiveStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useLiveStore outside StoreProvider')
  return store
}

export function useIngestMonitor(): IngestMonitor {
  const monitor = useContext(IngestContext)
  if (!monitor) throw new Error('useIngestMonitor outside StoreProvider')
  return monitor
}
