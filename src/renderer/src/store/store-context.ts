import { createContext, useContext } from 'react'
import type { LiveStore } from './live-store'

export const StoreContext = createContext<LiveStore | null>(null)

export function useLiveStore(): LiveStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useLiveStore outside StoreProvider')
  return store
}
