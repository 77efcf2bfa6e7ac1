import { useCallback, useEffect, useState } from 'react'
import type { InfluxStatus, IntegrationsView } from '@shared/contract/integrations'
import { useApi, useEvent } from '../api/api-context'

/** InfluxDB + Home Assistant settings, live through `integrations.changed`. */
export function useIntegrations(): { view: IntegrationsView | undefined; error: unknown } {
  const api = useApi()
  const [view, setView] = useState<IntegrationsView>()
  const [error, setError] = useState<unknown>()
  useEffect(() => {
    api.call('integrations.get', {}).then(setView, setError)
  }, [api])
  useEvent('integrations.changed', setView)
  return { view, error }
}

/** InfluxDB forwarding status, live through `integrations.influxStatusChanged`. */
export function useInfluxStatus(): InfluxStatus | undefined {
  const api = useApi()
  const [status, setStatus] = useState<InfluxStatus>()
  const load = useCallback(() => {
    api.call('integrations.influxStatus', {}).then(setStatus, () => undefined)
  }, [api])
  useEffect(load, [load])
  useEvent('integrations.influxStatusChanged', setStatus)
  return status
}
