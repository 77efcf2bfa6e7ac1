import { useEffect, useRef, useState, type ReactNode } from 'react'
import { useApi, useConnectionState } from '../api/api-context'
import { LiveStore } from './live-store'
import { StoreContext } from './store-context'

/** Owns the one LiveStore of the window; reloads it when a lost connection comes back. */
export function StoreProvider({ children }: { children: ReactNode }) {
  const api = useApi()
  const [store] = useState(() => new LiveStore(api))
  const state = useConnectionState()
  const wasClosed = useRef(false)

  useEffect(() => store.start(), [store])
  useEffect(() => {
    if (state === 'closed') wasClosed.current = true
    if (state === 'open' && wasClosed.current) {
      wasClosed.current = false
      void store.reload()
    }
  }, [state, store])

  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>
}
