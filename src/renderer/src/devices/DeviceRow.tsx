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
import { hasClimate, lastUpdate, shownValues, type ShownValue } from './latest-values'

/** One device in the table view; like DeviceCard it re-renders only for its own device. */
export const DeviceRow = memo(function DeviceRow({ id }: { id: string }) {
  const entry = useDeviceEntry(id)
  const unit = useUnits()
  if (!entry) return null
  const { device, spark } = entry
  const now = Date.now()
  const [first, second] = shownValues(device, unit)
  return (
    <tr data-device-id={id} className={device.online === false ? 'row--offline' : undefined}>
      <td>
        <StatusDot online={device.online} />
      </td>
      <td className="cell-name">
        <a href={hrefFor('devices', id)}>{device.name}</a>
        <span className="cell-sub">
          <span className="mono truncate">{device.id}</span>
          <FormatBadge format={device.format} />
        </span>
      </td>
      <td className="truncate">{device.location || <span className="muted-inline">–</span>}</td>
      <ReadingCell value={first} />
      <ReadingCell value={second} />
      <td>
        {hasClimate(device) ? (
          <Sparkline
            points={spark.temperature}
            from={now - SPARK_WINDOW_MS}
            to={now}
            color="temp"
            label="Temperature, last hour"
          />
        ) : (
          <span className="muted-inline" title="Kept for temperature only; see the device’s charts">
            –
          </span>
        )}
      </td>
      <td>
        <DataAge ts={lastUpdate(device)} />
      </td>
      <td>
        <SignalStrength rssi={device.info.rssi} />
      </td>
      <td title={device.info.fw ?? undefined}>
        <span className="fw-cell">
          <span className="truncate">
            {device.info.fw ?? <span className="muted-inline">–</span>}
          </span>
          <UpdateBadge device={device} />
        </span>
      </td>
    </tr>
  )
})

/** One reading with the name of its metric under it (rows of different devices mix metrics). */
function ReadingCell({ value }: { value: ShownValue | undefined }) {
  if (!value) return <td className="num" />
  return (
    <td className="num cell-reading">
      <span data-metric={value.metric}>{value.text}</span>
      <span className="cell-sub">{value.label}</span>
    </td>
  )
}
