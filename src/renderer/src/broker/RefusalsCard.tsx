import { useState, type Ref } from 'react'
import type { DeviceCredential, Refusal } from '@shared/contract/broker'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { formatDateTime } from '../lib/time'
import { useRefusals } from './use-refusals'

const count = new Intl.NumberFormat()

/**
 * What logins tried and were refused (topic, how often, last time), live, with one click
 * to allow that topic for that login. A refused publish also closed that client's connection.
 */
export function RefusalsCard({
  credentials,
  onAllowed,
  sectionRef,
}: {
  credentials: DeviceCredential[] | undefined
  onAllowed: () => void
  /** The card itself, so that a link to `#/broker/refused` can scroll to it and focus it. */
  sectionRef?: Ref<HTMLElement>
}) {
  const api = useApi()
  const { summary, error: loadError } = useRefusals()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState<string>()

  const allow = async (refusal: Refusal, login: DeviceCredential): Promise<void> => {
    setError(undefined)
    setBusy(keyOf(refusal))
    try {
      await api.call('broker.credentials.update', {
        username: login.username,
        allow: [...login.allow, refusal.topic],
      })
      onAllowed()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(undefined)
    }
  }

  const entries = summary?.entries ?? []
  return (
    <section className="card" aria-labelledby="refusals-title" ref={sectionRef} tabIndex={-1}>
      <h2 id="refusals-title">Refused topics</h2>
      <p className="hint">
        Publishes and subscriptions the broker refused, per login.{' '}
        {summary && summary.total > 0
          ? `${count.format(summary.total)} in all since the app started (${count.format(summary.publishes)} ${summary.publishes === 1 ? 'publish, which' : 'publishes; each'} closed that client’s connection).`
          : ''}
      </p>
      <ErrorBanner error={error ?? loadError} />
      {summary && entries.length === 0 && (
        <p className="muted-inline">
          Nothing refused. When a device publishes or subscribes outside its topics, it shows here
          with a button to allow it.
        </p>
      )}
      {entries.length > 0 && (
        <table className="plain-table refusals-table">
          <thead>
            <tr>
              <th scope="col">Login</th>
              <th scope="col">Client id</th>
              <th scope="col">Tried to</th>
              <th scope="col">Topic</th>
              <th scope="col" className="count">
                Times
              </th>
              <th scope="col">Last</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((r) => {
              const login = credentials?.find((c) => c.username === r.username)
              return (
                <tr key={keyOf(r)}>
                  <td>{r.username ?? <span className="muted-inline">no login</span>}</td>
                  <td className="client-id" title={r.clientId}>
                    <code>{r.clientId}</code>
                  </td>
                  <td>{r.action}</td>
                  <td>
                    <code>{r.topic}</code>
                  </td>
                  <td className="count">{count.format(r.count)}</td>
                  <td>{formatDateTime(r.lastAt)}</td>
                  <td className="actions-cell">
                    {login && (
                      <button
                        type="button"
                        className="small"
                        disabled={busy !== undefined}
                        aria-label={`Allow ${r.topic} for ${login.username}`}
                        onClick={() => void allow(r, login)}
                      >
                        Allow
                      </button>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}

function keyOf(r: Refusal): string {
  return `${r.username ?? ''}\u0000${r.clientId}\u0000${r.action}\u0000${r.topic}`
}
