import { useCallback, useEffect, useState } from 'react'
import type { DeviceCredential } from '@shared/contract/broker'
import { useApi } from '../api/api-context'

/** The device logins, re-read after any change made on this screen. */
export function useCredentials(): {
  list: DeviceCredential[] | undefined
  error: unknown
  reload: () => void
} {
  const api = useApi()
  const [list, setList] = useState<DeviceCredential[]>()
  const [error, setError] = useState<unknown>()
  const reload = useCallback(() => {
    api.call('broker.credentials.list', {}).then(
      (next) => {
        setList(next)
        setError(undefined)
      },
      (e: unknown) => setError(e),
    )
  }, [api])
  useEffect(reload, [reload])
  return { list, error, reload }
}
