import { hrefFor } from '../app/routes'
import { EmptyState } from '../components/EmptyState'
import { FormatBadge } from '../components/FormatBadge'
import { LateDataNotice } from '../components/LateDataNotice'
import { StatusDot } from '../components/StatusDot'
import { deviceMetrics } from '../devices/latest-values'
import { useDeviceEntry } from '../store/use-device-entry'
import { useDeviceList } from '../store/use-device-list'
import { DeviceActions } from './DeviceActions'
import { DeviceInfoCard } from './DeviceInfoCard'
import { EventsCard } from './EventsCard'
import { ForgetDevice } from './ForgetDevice'
import { GaugeCard } from './GaugeCard'
import { HistoryCard } from './HistoryCard'
import { LiveCharts } from './LiveCharts'
import { SettingsCard } from './SettingsCard'

/** One device: gauges, live and stored data, its settings and events. */
export function DeviceDetailView({ id }: { id: string }) {
  const entry = useDeviceEntry(id)
  const { loaded } = useDeviceList()
  if (!entry) {
    return (
      <>
        <a className="back-link" href={hrefFor('devices')}>
          ← All devices
        </a>
        {loaded ? (
          <EmptyState title="This device is not known" icon="?">
            <p>
              No device with the id <code>{id}</code>. It may have been forgotten; it comes back as
              soon as it publishes again.
            </p>
          </EmptyState>
        ) : (
          <div className="loading" role="status">
            Loading device…
          </div>
        )}
      </>
    )
  }
  const { device } = entry
  const metrics = deviceMetrics(device)
  const [lead, rest] = [metrics.slice(0, 2), metrics.slice(2)]
  return (
    <div className="device-detail" data-device-id={id}>
      <a className="back-link" href={hrefFor('devices')}>
        ← All devices
      </a>
      <header className="screen-header">
        <div>
          <h1>{device.name}</h1>
          <p className="muted detail-sub">
            <StatusDot online={device.online} label />
            <span>{device.location || 'No location set'}</span>
            <FormatBadge format={device.format} />
          </p>
        </div>
        <DeviceActions device={device} />
      </header>
      <LateDataNotice />
      <div className="detail-top">
        {lead.map((metric) => (
          <GaugeCard
            key={metric}
            deviceId={id}
            metric={metric}
            value={device.latest[metric]?.value ?? null}
          />
        ))}
        <DeviceInfoCard device={device} />
      </div>
      {rest.length > 0 && (
        <div className="detail-gauges">
          {rest.map((metric) => (
            <GaugeCard
              key={metric}
              deviceId={id}
              metric={metric}
              value={device.latest[metric]?.value ?? null}
            />
          ))}
        </div>
      )}
      {metrics.length > 0 ? (
        <>
          <LiveCharts deviceId={id} metrics={metrics} />
          <HistoryCard deviceId={id} metrics={metrics} />
        </>
      ) : (
        <EmptyState title="No readings yet">
          <p>
            This device has only said it is there (a status or Last Will). Whatever it measures
            shows up here, with charts and history, as soon as it sends a reading.
          </p>
        </EmptyState>
      )}
      <div className="detail-bottom">
        <SettingsCard device={device} />
        <EventsCard deviceId={id} />
      </div>
      <ForgetDevice device={device} />
    </div>
  )
}
