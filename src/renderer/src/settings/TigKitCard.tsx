import { useState } from 'react'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { downloadText } from '../lib/download-blob'

/** Download telegraf.conf and a Grafana dashboard generated for the current setup. */
export function TigKitCard() {
  const api = useApi()
  const [brokerHost, setBrokerHost] = useState('')
  const [error, setError] = useState<unknown>()
  const [done, setDone] = useState<string>()

  const download = async (name: string): Promise<void> => {
    setError(undefined)
    setDone(undefined)
    try {
      const host = brokerHost.trim()
      const kit = await api.call('integrations.tigKit', host === '' ? {} : { brokerHost: host })
      const file = kit.files.find((f) => f.name === name)
      if (!file) throw new Error(`${name} was not generated`)
      downloadText(file.name, file.content, file.mime)
      setDone(`Downloaded ${file.name}.`)
    } catch (e) {
      setError(e)
    }
  }

  return (
    <section className="card form-grid" aria-label="Telegraf and Grafana">
      <h2>Telegraf + Grafana (TIG stack)</h2>
      <p className="muted form-grid__full">
        Prefer running Telegraf yourself? These files match your topic prefix, devices, broker and
        InfluxDB settings, and write the same measurement as the app’s own forwarding — use one or
        the other for a database, not both.
      </p>
      <div className="form-grid__full">
        <ErrorBanner error={error} />
      </div>
      <label htmlFor="tig-host">Broker address for Telegraf</label>
      <input
        id="tig-host"
        value={brokerHost}
        placeholder="this computer’s LAN address"
        onChange={(e) => setBrokerHost(e.target.value)}
      />
      <div className="form-actions form-grid__full">
        <button type="button" onClick={() => void download('telegraf.conf')}>
          Download telegraf.conf
        </button>
        <button type="button" onClick={() => void download('grafana-dashboard.json')}>
          Download Grafana dashboard
        </button>
        {done && <span className="note-ok">{done}</span>}
      </div>
    </section>
  )
}
