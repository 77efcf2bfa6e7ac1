import { useCallback, useSyncExternalStore } from 'react'
import type { OtaAvailable, OtaDeviceProgress, OtaJob } from '@shared/contract/ota'
import { compareVersions } from '@shared/ota/protocol'
import { useApi } from '../api/api-context'
import { otaStoreFor, type OtaStore } from './ota-store'

export function useOtaStore(): OtaStore {
  return otaStoreFor(useApi())
}

/** The version the app ships (null until loaded or when it has none). */
export function useOtaAvailable(): OtaAvailable | null {
  const store = useOtaStore()
  return useSyncExternalStore(store.subscribe, store.getAvailable)
}

export function useOtaJobs(): OtaJob[] {
  const store = useOtaStore()
  return useSyncExternalStore(store.subscribe, store.getJobs)
}

/** One board's progress in its newest update job; re-renders only when that changes. */
export function useOtaProgress(id: string): OtaDeviceProgress | undefined {
  const store = useOtaStore()
  const subscribe = useCallback((l: () => void) => store.subscribeDevice(id, l), [store, id])
  return useSyncExternalStore(subscribe, () => store.getProgress(id))
}

/** Is its `fw` older than the version the app ships? Only our firmware can be updated. */
export function isOutdated(
  device: { format: string; info: { fw: string | null } },
  available: string | null | undefined,
): boolean {
  if (device.format !== 'ours' || !available) return false
  return device.info.fw !== null && compareVersions(device.info.fw, available) < 0
}

/** Still on its way (not done, skipped, failed or cancelled). */
export function isActive(progress: OtaDeviceProgress | undefined): boolean {
  return (
    progress !== undefined && !['done', 'skipped', 'failed', 'cancelled'].includes(progress.state)
  )
}
