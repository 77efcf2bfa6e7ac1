import { memo } from 'react'
import { hrefFor } from '../app/routes'
import { useUnits } from '../app/units-context'
import { Sparkline } from '../charts/Sparkline'
import { DataAge } from '../components/DataAge'
import { FormatBadge } from '../components/FormatBadge'
import { SignalStrength } from '../components/SignalStrength'
import { StatusDot } from '../components/StatusDot'
import { UpdateBadge } from '../ota/UpdateBadge'
import { useDeviceEntry } from '../store/use-device-entry'
import { SPARK_WINDOW_MS } from '../store/spark-buffer'
import { lastUpdate, shownValues } from './latest-values'

/**
 * One device in the grid; subscribes to its own device so other devices' data never re-render
 * it. The grid mounts only cards on or near the screen, so every mounted card follows live data.
 */
export const DeviceCard = memo(function DeviceCard({ id }: { id: string }) {
  const entry = useDeviceEntry(id)
  const unit = useUnits()
  if (!entry) return null
  const { device, spark } = entry
  const now = Date.now()
  const values = shownValues(device, unit)
  return (
    <a
      className={`device-card${device.online === false ? ' device-card--offline' : ''}`}
      href={hrefFor('devices', id)}
      data-device-id={id}
      aria-label={`${device.name}, ${device.online === false ? 'offline' : device.online ? 'online' : 'status unknown'}`}
    >
      <div className="device-card__head">
        <StatusDot online={device.online} />
        <span className="device-card__name" title={device.name}>
          {device.name}
        </span>
        <FormatBadge format={device.format} />
      </div>
      <div className="device-card__sub">
        <span className="truncate">{device.location || 'No location'}</span>
        <span className="truncate mono">{device.id}</span>
      </div>
      <div
        className={`device-card__values${values.length > 2 ? ' device-card__values--extra' : ''}`}
      >
        {values.length === 0 && <p className="muted-inline">No readings yet</p>}
        {values.map((v) => (
          <div key={v.metric} className={`metric metric--${v.metric}`}>
            <span className="metric__label">{v.label}</span>
            <span className="metric__value" data-metric={v.metric}>
              {v.text}
            </span>
            {(v.metric === 'temperature' || v.metric === 'humidity') && (
              <Sparkline
                points={spark[v.metric]}
                from={now - SPARK_WINDOW_MS}
                to={now}
                color={v.metric === 'temperature' ? 'temp' : 'hum'}
                label={`${v.label}, last hour`}
              />
            )}
          </div>
        ))}
      </div>
      <div className="device-card__foot">
        <SignalStrength rssi={device.info.rssi} />
        <span className="truncate">{device.info.fw ? `fw ${device.info.fw}` : 'fw –'}</span>
        <UpdateBadge device={device} />
        <DataAge ts={lastUpdate(device)} />
      </div>
    </a>
  )
})
