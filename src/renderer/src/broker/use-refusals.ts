import { useCallback, useEffect, useState } from 'react'
import type { RefusalSummary } from '@shared/contract/broker'
import { useApi, useEvent } from '../api/api-context'

/** The Broker screen's path level (`#/broker/refused`) that lands on the Refused topics card. */
export const REFUSED = 'refused'

/** The broker's recent refusals: read once, then live from the `broker.refusals` event. */
export function useRefusals(): { summary: RefusalSummary | undefined; error: unknown } {
  const api = useApi()
  const [summary, setSummary] = useState<RefusalSummary>()
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    let current = true
    api.call('broker.refusals.list', {}).then(
      (next) => current && setSummary(next),
      (e: unknown) => current && setError(e),
    )
    return () => {
      current = false
    }
  }, [api])
  useEvent(
    'broker.refusals',
    useCallback((next: RefusalSummary) => setSummary(next), []),
  )
  return { summary, error }
}
