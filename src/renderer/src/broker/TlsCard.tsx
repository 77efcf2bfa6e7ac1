import { useState } from 'react'
import { useApi } from '../api/api-context'
import { useSettings } from '../api/use-settings'
import { ErrorBanner } from '../components/ErrorBanner'
import { downloadBlob } from '../lib/download-blob'

/** TLS for device connections, and the app's CA certificate to copy onto devices. */
export function TlsCard() {
  const api = useApi()
  const { settings, update } = useSettings()
  const [error, setError] = useState<unknown>()
  const [fingerprint, setFingerprint] = useState<string>()
  const enabled = settings?.broker.tls.enabled ?? false

  const toggle = async (on: boolean): Promise<void> => {
    setError(undefined)
    try {
      await update({ broker: { tls: { enabled: on, port: settings?.broker.tls.port ?? 8883 } } })
    } catch (err) {
      setError(err)
    }
  }

  const download = async (): Promise<void> => {
    setError(undefined)
    try {
      const ca = await api.call('broker.ca', {})
      setFingerprint(ca.fingerprint)
      downloadBlob(
        new Blob([ca.pem], { type: 'application/x-pem-file' }),
        'iot-control-center-ca.pem',
      )
    } catch (err) {
      setError(err)
    }
  }

  return (
    <section className="card" aria-labelledby="tls-title">
      <h2 id="tls-title">Encryption (TLS)</h2>
      <ErrorBanner error={error} />
      <label className="switch-row">
        <input
          type="checkbox"
          role="switch"
          checked={enabled}
          disabled={!settings}
          onChange={(e) => void toggle(e.target.checked)}
        />
        <span>
          Accept TLS connections on port {settings?.broker.tls.port ?? 8883}
          <span className="hint">
            Devices then need the app’s CA certificate (as <code>ca.pem</code>, with{' '}
            <code>&quot;tls&quot;: true</code> in config.json); the Installer sets boards up over
            plain TCP.
          </span>
        </span>
      </label>
      <div className="form-actions">
        <button type="button" onClick={() => void download()}>
          ⤓ Download CA certificate
        </button>
        {fingerprint && (
          <span className="hint">
            SHA-256 <code>{fingerprint}</code>
          </span>
        )}
      </div>
    </section>
  )
}
