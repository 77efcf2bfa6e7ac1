import { useCallback, useEffect, useState, useSyncExternalStore } from 'react'
import type { PortInfo } from '@shared/contract/flasher'
import { useApi, useEvent } from '../api/api-context'

/** Ports typed in by hand, shared by the wizard and the console for this page's lifetime. */
let manualPorts: PortInfo[] = []
const manualListeners = new Set<() => void>()
function subscribeManual(listener: () => void): () => void {
  manualListeners.add(listener)
  return () => manualListeners.delete(listener)
}

/**
 * Serial ports, live: the list on mount, then `ports.changed` as boards are plugged in
 * or out. Ports typed in by hand (ptys, /dev/serial/by-id/…) are kept alongside.
 */
export function usePorts(): {
  ports: PortInfo[]
  loaded: boolean
  error: unknown
  reload: () => void
  addManual: (port: PortInfo) => void
  lastAdded: PortInfo | undefined
} {
  const api = useApi()
  const [system, setSystem] = useState<PortInfo[]>([])
  const manual = useSyncExternalStore(subscribeManual, () => manualPorts)
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState<unknown>()
  const [lastAdded, setLastAdded] = useState<PortInfo>()

  const reload = useCallback(() => {
    api.call('flasher.listPorts', {}).then(
      (list) => {
        setSystem(list)
        setError(undefined)
        setLoaded(true)
      },
      (e: unknown) => {
        setError(e)
        setLoaded(true)
      },
    )
  }, [api])
  useEffect(reload, [reload])

  useEvent(
    'ports.changed',
    useCallback((change: { added: PortInfo[]; ports: PortInfo[] }) => {
      setSystem(change.ports)
      const added = change.added.find((p) => p.likelyEsp) ?? change.added[0]
      if (added) setLastAdded(added)
    }, []),
  )

  const addManual = useCallback((port: PortInfo) => {
    manualPorts = [...manualPorts.filter((p) => p.path !== port.path), port]
    for (const listener of manualListeners) listener()
  }, [])

  const known = new Set(system.map((p) => p.path))
  return {
    ports: [...system, ...manual.filter((p) => !known.has(p.path))],
    loaded,
    error,
    reload,
    addManual,
    lastAdded,
  }
}
