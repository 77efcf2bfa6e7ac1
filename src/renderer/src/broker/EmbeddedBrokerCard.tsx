import type { BrokerStatus } from '@shared/contract/broker'
import { CopyField } from '../components/CopyField'
import { StatusDot } from '../components/StatusDot'
import { deviceAddress } from './use-broker-status'

const rate = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

function uptime(seconds: number): string {
  if (seconds < 60) return `${Math.floor(seconds)} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`
}

/** The built-in broker: is it up, how busy, and the address devices on this LAN should use. */
export function EmbeddedBrokerCard({ status }: { status: BrokerStatus }) {
  const address = deviceAddress(status)
  const stats = [
    {
      label: 'Clients connected',
      value: String(status.clientsConnected),
      testId: 'broker-clients',
    },
    { label: 'Messages in / s', value: rate.format(status.msgInPerS), testId: 'broker-in' },
    { label: 'Messages out / s', value: rate.format(status.msgOutPerS), testId: 'broker-out' },
    { label: 'Retained topics', value: String(status.retainedCount), testId: 'broker-retained' },
  ]
  return (
    <section className="card" aria-labelledby="embedded-title">
      <div className="card__head">
        <h2 id="embedded-title">Built-in broker</h2>
        <StatusDot online={status.running} label />
        <span className="spacer" />
        {status.running && <span className="muted-inline">up {uptime(status.uptimeS)}</span>}
      </div>
      {status.warnings.map((w) => (
        <div key={w} className="banner banner--warn" role="alert">
          {w}
        </div>
      ))}
      <div className="stat-row">
        {stats.map((s) => (
          <div key={s.label} className="stat">
            <span className="stat__value" data-testid={s.testId}>
              {s.value}
            </span>
            <span className="stat__label">{s.label}</span>
          </div>
        ))}
      </div>
      <div className="broker-columns">
        <div>
          <h3>For devices on this network</h3>
          {address ? (
            <>
              <CopyField label="Host" value={address.host} />
              <CopyField label="Port" value={String(address.port)} />
              {address.tlsPort !== null && (
                <CopyField label="TLS port" value={String(address.tlsPort)} />
              )}
            </>
          ) : (
            <p className="muted-inline">The broker has no listener. Turn it on in Settings.</p>
          )}
          {status.lanAddresses.length > 1 && (
            <p className="hint">
              Other addresses of this computer: {status.lanAddresses.slice(1).join(', ')}
            </p>
          )}
          {status.lanAddresses.length === 0 && (
            <p className="hint">
              No LAN address found: this computer seems to be offline, so only local tools can
              connect.
            </p>
          )}
        </div>
        <div>
          <h3>Listeners</h3>
          <table className="plain-table">
            <tbody>
              {status.listeners.map((l) => (
                <tr key={`${l.kind}:${l.port}`}>
                  <td>
                    {l.kind === 'tcp'
                      ? 'MQTT'
                      : l.kind === 'ws'
                        ? 'MQTT over WebSocket'
                        : 'MQTT over TLS'}
                  </td>
                  <td>
                    <code>
                      {l.host}:{l.port}
                    </code>
                  </td>
                  <td>{l.tls ? '🔒 TLS' : 'plain'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">
            {status.anonymousLoopback
              ? 'Local tools on this computer (127.0.0.1) may connect without a password.'
              : 'Every client needs a user name and password.'}
          </p>
          <p className="hint" data-testid="broker-limits">
            Topics may have up to {status.limits.maxTopicLevels} levels and packets up to{' '}
            {kib(status.limits.maxPacketBytes)} ({kib(status.limits.maxPacketBytesBeforeAuth)}{' '}
            before logging in); a client that sends more is disconnected. The packet limit is a
            setting (Settings → Broker and data).
          </p>
        </div>
      </div>
    </section>
  )
}

/** 262144 → "256 KiB", 1048576 → "1 MiB". */
function kib(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`
  return `${Math.round(bytes / 1024).toLocaleString('en-US')} KiB`
}
