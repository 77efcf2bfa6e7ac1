import { useEffect, useState } from 'react'
import type { AppInfo } from '@shared/contract/app'
import type { Settings } from '@shared/contract/settings'
import { useApi, useShell } from '../api/api-context'
import { useSettings } from '../api/use-settings'
import { ScreenHeader } from '../components/ScreenHeader'
import { BackupCard } from '../settings/BackupCard'
import { DesktopCard } from '../settings/DesktopCard'
import { HistoryStoreCard } from '../settings/HistoryStoreCard'
import { HomeAssistantCard } from '../settings/HomeAssistantCard'
import { InfluxCard } from '../settings/InfluxCard'
import { ServiceSettingsCard } from '../settings/ServiceSettingsCard'
import { TigKitCard } from '../settings/TigKitCard'
import { useIntegrations } from '../settings/use-integrations'
import '../settings/settings.css'

export function SettingsScreen() {
  const api = useApi()
  const shell = useShell()
  const { settings, update } = useSettings()
  const [info, setInfo] = useState<AppInfo>()
  const [error, setError] = useState<string>()
  const integrations = useIntegrations()
  useEffect(() => {
    void api.call('app.info', {}).then(setInfo, (e: Error) => setError(e.message))
  }, [api])

  const save = (patch: Parameters<typeof update>[0]): void => {
    setError(undefined)
    update(patch).catch((e: Error) => setError(e.message))
  }

  return (
    <>
      <ScreenHeader
        title="Settings"
        subtitle="Appearance, units, InfluxDB / Grafana / Home Assistant, backups and where your data lives."
      />
      {error && (
        <div className="banner banner--error" role="alert">
          {error}
        </div>
      )}
      {info?.warnings.map((warning) => (
        <div key={warning} className="banner banner--warn" role="alert">
          {warning}
        </div>
      ))}
      {settings && (
        <section className="card form-grid" aria-label="Appearance">
          <h2>Appearance</h2>
          <label htmlFor="theme">Theme</label>
          <select
            id="theme"
            value={settings.ui.theme}
            onChange={(e) => save({ ui: { theme: e.target.value as Settings['ui']['theme'] } })}
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
          <label htmlFor="units">Temperature unit</label>
          <select
            id="units"
            value={settings.ui.units}
            onChange={(e) => save({ ui: { units: e.target.value as Settings['ui']['units'] } })}
          >
            <option value="C">°C (Celsius)</option>
            <option value="F">°F (Fahrenheit)</option>
          </select>
        </section>
      )}
      <ServiceSettingsCard />
      {settings && (
        <HistoryStoreCard
          history={settings.history}
          running={info?.historyStore}
          influx={integrations.view?.influx}
          update={update}
        />
      )}
      {integrations.view && (
        <>
          <InfluxCard config={integrations.view.influx} />
          <TigKitCard />
          <HomeAssistantCard config={integrations.view.homeAssistant} />
        </>
      )}
      <BackupCard />
      {settings && (
        <DesktopCard
          desktop={settings.desktop}
          shell={shell}
          platform={info?.platform}
          update={update}
        />
      )}
      {info && (
        <section className="card form-grid" aria-label="About">
          <h2>About</h2>
          <span>Version</span>
          <span>{info.version}</span>
          <span>Running as</span>
          <span>{info.shell === 'electron' ? 'Desktop app' : 'Web mode (headless)'}</span>
          <span>Data folder</span>
          <code>{info.dataDir}</code>
        </section>
      )}
    </>
  )
}
