import { useSyncExternalStore } from 'react'
import type { IngestView } from './ingest-monitor'
import type { Lateness } from './lateness'
import { useIngestMonitor } from './store-context'

/** The data path's latest figures (Broker → Data path). */
export function useIngest(): IngestView {
  const monitor = useIngestMonitor()
  return useSyncExternalStore(monitor.subscribe, monitor.get)
}

/** How late live data is, or null while it is on time. */
export function useLateness(): Lateness | null {
  const monitor = useIngestMonitor()
  return useSyncExternalStore(monitor.subscribe, () => monitor.get().late)
}
