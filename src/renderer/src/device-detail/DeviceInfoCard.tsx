import type { Device } from '@shared/contract/devices'
import { DataAge } from '../components/DataAge'
import { SignalStrength } from '../components/SignalStrength'
import { FORMAT_LABELS } from '../lib/formats'
import { UpdateBadge } from '../ota/UpdateBadge'
import { formatDateTime } from '../lib/time'

/** Devices on radios other than Wi-Fi: no IP address or Wi-Fi signal of their own. */
const NOT_WIFI: ReadonlySet<Device['format']> = new Set(['zigbee2mqtt', 'ble'])
/** Formats that run MicroPython (ours, the seed tutorial's board). */
const MICROPYTHON: ReadonlySet<Device['format']> = new Set(['ours', 'seed'])

/**
 * What the device says about itself and how the app hears it. Rows that cannot apply to the
 * device (MicroPython on a Tasmota plug, Wi-Fi signal on a Zigbee sensor) are left out rather
 * than shown as "–", unless the device did report them.
 */
export function DeviceInfoCard({ device }: { device: Device }) {
  const { info } = device
  const wifi = !NOT_WIFI.has(device.format)
  const rows: ([string, React.ReactNode] | false)[] = [
    ['Device id', <code key="id">{device.id}</code>],
    ['Speaks', FORMAT_LABELS[device.format]],
    [
      'Firmware',
      <span key="fw" className="fw-inline">
        {info.fw ?? '–'} <UpdateBadge device={device} />
      </span>,
    ],
    (MICROPYTHON.has(device.format) || info.mp !== null) && ['MicroPython', info.mp ?? '–'],
    ['Chip / sensor', [info.chip, info.sensor].filter(Boolean).join(' · ') || '–'],
    (wifi || info.ip !== null) && ['IP address', info.ip ?? '–'],
    ['MAC', info.mac ?? '–'],
    (wifi || info.rssi !== null) && [
      'Wi-Fi signal',
      <SignalStrength key="rssi" rssi={info.rssi} />,
    ],
    ['Last message', <DataAge key="seen" ts={device.lastSeen} />],
    ['First seen', formatDateTime(device.firstSeen)],
    [
      'Presence from',
      device.presence === 'status' ? 'Status topic (Last Will)' : 'Silence timeout',
    ],
    ['Via', device.source === 'embedded' ? 'Built-in broker' : (device.source ?? '–')],
  ]
  return (
    <section className="card info-card" aria-labelledby="info-title">
      <h2 id="info-title">Device</h2>
      <dl className="info-list">
        {rows
          .filter((row) => row !== false)
          .map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      {device.topics.length > 0 && (
        <details className="info-topics">
          <summary>Topics ({device.topics.length})</summary>
          <ul>
            {device.topics.map((t) => (
              <li key={t}>
                <code>{t}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}
