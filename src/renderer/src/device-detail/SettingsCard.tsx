import type { Device } from '@shared/contract/devices'
import { FORMAT_LABELS, REPORTING_ELSEWHERE } from '../lib/formats'
import { NamePlaceForm } from './NamePlaceForm'
import { ReportingForm } from './ReportingForm'

/** Name and location (kept by the app) and reporting settings (sent to the device as a command). */
export function SettingsCard({ device }: { device: Device }) {
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <NamePlaceForm device={device} />
      <div className="subsection">
        <h3>Reporting (sent to the device)</h3>
        {device.format === 'ours' ? (
          <ReportingForm deviceId={device.id} />
        ) : (
          <ReportingElsewhere format={device.format} />
        )}
      </div>
    </section>
  )
}

/** Why the app cannot set this device's reporting, and where to do it instead. */
function ReportingElsewhere({ format }: { format: Exclude<Device['format'], 'ours'> }) {
  const where = REPORTING_ELSEWHERE[format]
  return (
    <p className="muted-inline">
      This device speaks {FORMAT_LABELS[format]}, so the app can read it but not configure it.{' '}
      {where === 'installer' ? (
        <>
          If it is an ESP32, flash it with the <a href="#/installer">Installer</a> to change its
          reporting from here.
        </>
      ) : (
        where
      )}
    </p>
  )
}
