import { useEffect, useState, useSyncExternalStore } from 'react'
import { useApi } from '../api/api-context'
import { TopicStore, type TopicSnapshot } from './topic-store'

/** Live topics of the broker while the explorer is open. */
export function useTopics(): TopicSnapshot {
  const api = useApi()
  const [store] = useState(() => new TopicStore(api))
  useEffect(() => store.start(), [store])
  return useSyncExternalStore(store.subscribe, store.get)
}
