import { useState } from 'react'
import type { DeviceCredential } from '@shared/contract/broker'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { formatDateTime } from '../lib/time'
import { ExtraTopicsEditor } from './ExtraTopicsEditor'
import { ExtraTopicList } from './IssuedLogin'
import { IssueCredentialForm } from './IssueCredentialForm'

/** Per-device broker logins: who may connect where, create one, edit its topics, revoke one. */
export function CredentialsCard({
  list,
  error: loadError,
  reload,
}: {
  list: DeviceCredential[] | undefined
  error: unknown
  reload: () => void
}) {
  const api = useApi()
  const [error, setError] = useState<unknown>()
  const [confirming, setConfirming] = useState<string>()
  const [editing, setEditing] = useState<string>()

  const revoke = async (deviceId: string): Promise<void> => {
    setError(undefined)
    setConfirming(undefined)
    try {
      await api.call('broker.credentials.revoke', { deviceId })
      reload()
    } catch (err) {
      setError(err)
    }
  }

  return (
    <section className="card" aria-labelledby="credentials-title">
      <h2 id="credentials-title">Device logins</h2>
      <p className="hint">
        Each device gets its own user name and password. The Installer creates one automatically;
        create one here for a device you set up yourself.
      </p>
      <ErrorBanner error={error ?? loadError} onRetry={reload} />
      <IssueCredentialForm onIssued={reload} />
      {list && list.length > 0 && (
        <table className="plain-table credentials-table">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">User name</th>
              <th scope="col">Extra topics</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.deviceId}>
                <td>{c.deviceId}</td>
                <td>
                  <code>{c.username}</code>
                </td>
                <td>
                  {editing === c.username ? (
                    <ExtraTopicsEditor
                      credential={c}
                      onDone={(saved) => {
                        setEditing(undefined)
                        if (saved) reload()
                      }}
                    />
                  ) : (
                    <>
                      {c.legacyTopic && (
                        <span className="topic-chips" title="Set by the Installer (legacy_topic)">
                          <code>{c.legacyTopic}</code>{' '}
                        </span>
                      )}
                      {(c.allow.length > 0 || !c.legacyTopic) && (
                        <ExtraTopicList topics={c.allow} />
                      )}{' '}
                      <button
                        type="button"
                        className="small"
                        aria-label={`Edit extra topics of ${c.username}`}
                        onClick={() => setEditing(c.username)}
                      >
                        Edit
                      </button>
                    </>
                  )}
                </td>
                <td>{formatDateTime(c.createdAt)}</td>
                <td className="actions-cell">
                  {confirming === c.deviceId ? (
                    <>
                      <button
                        type="button"
                        className="small danger"
                        onClick={() => void revoke(c.deviceId)}
                      >
                        Revoke now
                      </button>{' '}
                      <button
                        type="button"
                        className="small"
                        onClick={() => setConfirming(undefined)}
                      >
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button
                      type="button"
                      className="small"
                      onClick={() => setConfirming(c.deviceId)}
                    >
                      Revoke…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list && list.length === 0 && <p className="muted-inline">No device logins yet.</p>}
    </section>
  )
}
