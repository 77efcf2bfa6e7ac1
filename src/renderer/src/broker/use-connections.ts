import { useCallback, useEffect, useState } from 'react'
import type { Connection } from '@shared/contract/connections'
import { useApi, useEvent } from '../api/api-context'

/** MQTT connections, kept live by `connection.changed`. */
export function useConnections(): {
  connections: Connection[] | undefined
  error: unknown
  reload: () => void
} {
  const api = useApi()
  const [connections, setConnections] = useState<Connection[]>()
  const [error, setError] = useState<unknown>()
  const reload = useCallback(() => {
    api.call('connections.list', {}).then((list) => {
      setConnections(list)
      setError(undefined)
    }, setError)
  }, [api])
  useEffect(reload, [reload])
  useEvent(
    'connection.changed',
    useCallback((changed: Connection) => {
      setConnections((old) => {
        if (!old) return old
        const i = old.findIndex((c) => c.id === changed.id)
        if (i < 0) return [...old, changed]
        const next = old.slice()
        next[i] = changed
        return next
      })
    }, []),
  )
  return { connections, error, reload }
}
