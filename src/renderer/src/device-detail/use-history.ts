import { useEffect, useState } from 'react'
import type { ReadingsQueryResult } from '@shared/contract/readings'
import { useApi } from '../api/api-context'

export interface History {
  result: ReadingsQueryResult | undefined
  loading: boolean
  error: unknown
  reload: () => void
}

/**
 * Downsampled history (min/avg/max buckets) of some devices and metrics. Results of a
 * superseded request are dropped so a fast range switch never shows the wrong window.
 */
export function useHistory(
  deviceIds: string[],
  metrics: string[],
  from: number,
  to: number,
  points = 300,
): History {
  const api = useApi()
  const [result, setResult] = useState<ReadingsQueryResult>()
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>()
  const [attempt, setAttempt] = useState(0)
  const idsKey = deviceIds.join('\u0000')
  const metricsKey = metrics.join('\u0000')

  useEffect(() => {
    if (to <= from || idsKey === '') return
    let current = true
    setLoading(true)
    api
      .call('readings.query', {
        deviceIds: idsKey.split('\u0000'),
        metrics: metricsKey.split('\u0000'),
        from: Math.floor(from),
        to: Math.ceil(to),
        points,
      })
      .then(
        (next) => {
          if (!current) return
          setResult(next)
          setError(undefined)
        },
        (e: unknown) => current && setError(e),
      )
      .finally(() => current && setLoading(false))
    return () => {
      current = false
    }
  }, [api, idsKey, metricsKey, from, to, points, attempt])

  return { result, loading, error, reload: () => setAttempt((n) => n + 1) }
}
