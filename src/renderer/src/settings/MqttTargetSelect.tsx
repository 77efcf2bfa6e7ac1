import { useCallback, useEffect, useState } from 'react'
import type { MqttTargetStatus } from '@shared/contract/integrations'
import { useApi, useEvent } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'

/**
 * The one MQTT connection Home Assistant discovery and alert states are published on (shared
 * by both). "Automatic" is where the devices are: the embedded broker when it runs.
 */
export function MqttTargetSelect({ id }: { id: string }) {
  const api = useApi()
  const [status, setStatus] = useState<MqttTargetStatus>()
  const [error, setError] = useState<unknown>()
  const refresh = useCallback(() => {
    api.call('integrations.mqttTarget', {}).then(setStatus, setError)
  }, [api])
  useEffect(refresh, [refresh])
  useEvent('integrations.changed', refresh)
  useEvent('connection.changed', refresh)
  if (!status) return <ErrorBanner error={error} />

  const choose = (value: string): void => {
    setError(undefined)
    api
      .call('integrations.setMqttTarget', { connectionId: value === '' ? null : value })
      .then(refresh, setError)
  }
  const resolved = status.resolved
  return (
    <span>
      <select id={id} value={status.connectionId ?? ''} onChange={(e) => choose(e.target.value)}>
        <option value="">
          Automatic{resolved && status.connectionId === null ? ` (${resolved.name})` : ''}
        </option>
        {status.options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>{' '}
      {resolved && !resolved.connected && (
        <span className="note-error" role="status">
          {resolved.name} is not connected: nothing is published until it is.
        </span>
      )}
      <ErrorBanner error={error} />
    </span>
  )
}
