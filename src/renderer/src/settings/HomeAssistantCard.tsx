import { useCallback, useEffect, useState } from 'react'
import type { HomeAssistantConfig, HomeAssistantStatus } from '@shared/contract/integrations'
import { useApi } from '../api/api-context'
import { Age } from '../components/Age'
import { ErrorBanner } from '../components/ErrorBanner'
import { MqttTargetSelect } from './MqttTargetSelect'

/** Optional MQTT discovery configs so Home Assistant finds every board by itself. */
export function HomeAssistantCard({ config }: { config: HomeAssistantConfig }) {
  const api = useApi()
  const [prefix, setPrefix] = useState(config.discoveryPrefix)
  const [status, setStatus] = useState<HomeAssistantStatus>()
  const [error, setError] = useState<unknown>()
  useEffect(() => setPrefix(config.discoveryPrefix), [config.discoveryPrefix])

  const refresh = useCallback(() => {
    api.call('integrations.haStatus', {}).then(setStatus, setError)
  }, [api])
  useEffect(refresh, [refresh, config])

  const save = (patch: Partial<HomeAssistantConfig>): void => {
    setError(undefined)
    api.call('integrations.setHomeAssistant', patch).then(() => setTimeout(refresh, 300), setError)
  }
  const republish = (): void => {
    setError(undefined)
    api.call('integrations.haRepublish', {}).then(setStatus, setError)
  }

  return (
    <section className="card form-grid" aria-label="Home Assistant">
      <h2>Home Assistant</h2>
      <p className="muted form-grid__full">
        Publishes retained MQTT discovery configs (temperature and humidity sensors, with your
        boards’ online/offline status) so Home Assistant adds every board running our firmware by
        itself — again whenever Home Assistant restarts. Home Assistant must use the broker they are
        published on (alert states go there too).
      </p>
      <div className="form-grid__full">
        <ErrorBanner error={error} />
      </div>
      <span>Discovery</span>
      <label>
        <input
          type="checkbox"
          checked={config.enabled}
          onChange={(e) => save({ enabled: e.target.checked })}
        />{' '}
        announce devices to Home Assistant
      </label>
      <label htmlFor="ha-connection">Publish on</label>
      <MqttTargetSelect id="ha-connection" />
      <label htmlFor="ha-prefix">Discovery prefix</label>
      <span className="input-suffix">
        <input
          id="ha-prefix"
          className="input--wide"
          value={prefix}
          onChange={(e) => setPrefix(e.target.value)}
        />
        <button
          type="button"
          className="small"
          disabled={prefix === config.discoveryPrefix}
          onClick={() => save({ discoveryPrefix: prefix })}
        >
          Save
        </button>
      </span>
      {status && (
        <>
          <span>Announced</span>
          <span>
            {status.published} sensors, last <Age ts={status.lastPublishedAt} />{' '}
            <button type="button" className="small" disabled={!config.enabled} onClick={republish}>
              Republish now
            </button>
          </span>
          {status.lastError && (
            <p className="note-error form-grid__full" role="status">
              {status.lastError}
            </p>
          )}
          {status.skipped.length > 0 && (
            <details className="form-grid__full">
              <summary>{status.skipped.length} devices not announced</summary>
              <ul>
                {status.skipped.map((s) => (
                  <li key={s.deviceId}>
                    <code>{s.deviceId}</code>: {s.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  )
}
