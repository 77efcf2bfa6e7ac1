import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useApi, useConnectionState } from '../api/api-context'
import { IngestMonitor } from './ingest-monitor'
import { LiveStore } from './live-store'
import { IngestContext, StoreContext } from './store-context'

/**
 * Owns the window's LiveStore and IngestMonitor; reloads them when a lost connection comes
 * back.
 */
export function StoreProvider({ children }: { children: ReactNode }) {
  const api = useApi()
  const [store] = useState(() => new LiveStore(api))
  const [ingest] = useState(() => new IngestMonitor(api))
  const state = useConnectionState()
  const wasClosed = useRef(false)

  useEffect(() => store.start(), [store])
  useEffect(() => ingest.start(), [ingest])
  useEffect(() => {
    if (state === 'closed') wasClosed.current = true
    if (state === 'open' && wasClosed.current) {
      wasClosed.current = false
      void store.reload()
      void ingest.refresh()
    }
  }, [state, store, ingest])

  return (
    <StoreContext.Provider value={store}>
      <IngestContext.Provider value={ingest}>{children}</IngestContext.Provider>
    </StoreContext.Provider>
  )
}
