import { useCallback, useEffect, useRef, useState } from 'react'
import type { AlertIncident, AlertLogQuery } from '@shared/contract/alerts'
import { useApi } from '../api/api-context'

export type LogFilter = Pick<AlertLogQuery, 'status' | 'ruleId' | 'deviceId' | 'acknowledged'>

const PAGE = 100

/**
 * One page of the alert log for a filter, refreshed (at most every 300 ms) when alerts fire,
 * clear or are acknowledged; `more()` appends the next older page.
 */
export function useAlertLog(filter: LogFilter): {
  entries: AlertIncident[]
  total: number
  loading: boolean
  error: unknown
  more: () => void
  reload: () => void
} {
  const api = useApi()
  const [entries, setEntries] = useState<AlertIncident[]>([])
  const [total, setTotal] = useState(0)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<unknown>()
  const generation = useRef(0)
  const { status, ruleId, deviceId, acknowledged } = filter

  const load = useCallback(
    async (beforeId?: number) => {
      const mine = ++generation.current
      setLoading(true)
      try {
        const page = await api.call('alerts.log', {
          status,
          ruleId,
          deviceId,
          acknowledged,
          limit: PAGE,
          ...(beforeId === undefined ? {} : { beforeId }),
        })
        if (mine !== generation.current) return
        setEntries((old) => (beforeId === undefined ? page.entries : [...old, ...page.entries]))
        setTotal(page.total)
        setError(undefined)
      } catch (e) {
        if (mine === generation.current) setError(e)
      } finally {
        if (mine === generation.current) setLoading(false)
      }
    },
    [api, status, ruleId, deviceId, acknowledged],
  )

  const reload = useCallback(() => void load(), [load])
  useEffect(reload, [reload])

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const soon = (): void => {
      if (timer === undefined) timer = setTimeout(() => ((timer = undefined), reload()), 300)
    }
    const offs = [
      api.on('alert.fired', soon),
      api.on('alert.cleared', soon),
      api.on('alert.acknowledged', soon),
    ]
    return () => {
      offs.forEach((off) => off())
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [api, reload])

  const more = useCallback(() => {
    const last = entries.at(-1)
    if (last) void load(last.id)
  }, [entries, load])

  return { entries, total, loading, error, more, reload }
}
