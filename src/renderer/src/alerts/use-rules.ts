import { useCallback, useEffect, useState } from 'react'
import type { AlertRule } from '@shared/contract/alerts'
import { useApi, useEvent } from '../api/api-context'

/** The alert rules, kept live through `alertRules.changed`. */
export function useRules(): { rules: AlertRule[] | undefined; error: unknown; reload: () => void } {
  const api = useApi()
  const [rules, setRules] = useState<AlertRule[]>()
  const [error, setError] = useState<unknown>()
  const reload = useCallback(() => {
    setError(undefined)
    api.call('alerts.listRules', {}).then(setRules, setError)
  }, [api])
  useEffect(reload, [reload])
  useEvent('alertRules.changed', setRules)
  return { rules, error, reload }
}
