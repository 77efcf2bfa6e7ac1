import { useCallback, useEffect, useState } from 'react'
import type { BackupFile, BackupSummary } from '@shared/contract/backup'
import { useApi, useShell } from '../api/api-context'
import { Age } from '../components/Age'
import { ErrorBanner } from '../components/ErrorBanner'
import { formatDateTime } from '../lib/time'
import { RestoreSecurityReview } from './RestoreSecurityReview'

const size = (bytes: number): string =>
  bytes >= 1_048_576
    ? `${(bytes / 1_048_576).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`

/** Back up the data folder into one archive; verify and restore archives. */
export function BackupCard() {
  const api = useApi()
  const shell = useShell()
  const [backups, setBackups] = useState<BackupFile[]>([])
  const [error, setError] = useState<unknown>()
  const [note, setNote] = useState<string>()
  const [restored, setRestored] = useState<BackupSummary>()
  /** A restore held back until its security changes are confirmed. */
  const [review, setReview] = useState<{ name: string; backup: BackupSummary }>()
  const [busy, setBusy] = useState(false)

  const reload = useCallback(() => {
    api.call('backup.list', {}).then(setBackups, setError)
  }, [api])
  useEffect(reload, [reload])

  const run = async (fn: () => Promise<string | null>): Promise<void> => {
    setError(undefined)
    setNote(undefined)
    setBusy(true)
    try {
      const text = await fn()
      if (text) setNote(text)
      reload()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const create = (ask: boolean) =>
    run(async () => {
      const summary = await api.call('backup.create', { ask })
      return summary
        ? `Backed up ${summary.files.length} files (${size(summary.bytes)}) to ${summary.path}.`
        : null
    })
  const restore = (params: { name: string } | { ask: true }, label: string) => {
    if (
      !window.confirm(
        `Restore ${label}? The app then needs a restart; your current data is kept in backups/.`,
      )
    )
      return
    void run(async () => {
      setReview(undefined)
      const result = await api.call('backup.restore', params)
      if (!result) return null
      if (result.status === 'confirm') setReview({ name: result.name, backup: result.backup })
      else setRestored(result.backup)
      return null
    })
  }
  const confirmReview = () => {
    if (!review) return
    void run(async () => {
      const { name, backup } = review
      const result = await api.call('backup.restore', { name, confirm: backup.sha256 })
      // Still "confirm": the archive changed since the preview; show its changes instead.
      if (result?.status === 'confirm') setReview({ name: result.name, backup: result.backup })
      else {
        setReview(undefined)
        if (result) setRestored(result.backup)
      }
      return null
    })
  }

  return (
    <section className="card" aria-label="Backup and restore">
      <h2>Backup and restore</h2>
      <p className="muted">
        One archive with your settings, devices, readings, alert rules and log, integrations and
        broker state (with a SHA-256 checksum per file). It contains your credentials: keep it
        somewhere safe.
      </p>
      <ErrorBanner error={error} />
      {restored && (
        <div className="banner banner--warn" role="status">
          The backup from {formatDateTime(restored.createdAt)} is verified and ready. Restart the
          app to finish restoring.
        </div>
      )}
      {review && (
        <RestoreSecurityReview
          name={review.name}
          backup={review.backup}
          busy={busy}
          onConfirm={confirmReview}
          onCancel={() => setReview(undefined)}
        />
      )}
      {note && (
        <p className="note-ok" role="status">
          {note}
        </p>
      )}
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void create(false)}
        >
          Back up now
        </button>
        {shell === 'electron' && (
          <>
            <button type="button" disabled={busy} onClick={() => void create(true)}>
              Back up to…
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => restore({ ask: true }, 'from a file')}
            >
              Restore from file…
            </button>
          </>
        )}
      </div>
      {backups.length > 0 && (
        <div className="table-wrap subsection">
          <table className="device-table">
            <thead>
              <tr>
                <th scope="col">Archive (in the data folder’s backups/)</th>
                <th scope="col">Size</th>
                <th scope="col">Made</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {backups.map((b) => (
                <tr key={b.name}>
                  <td className="mono">{b.name}</td>
                  <td>{size(b.bytes)}</td>
                  <td>
                    <Age ts={b.modifiedAt} />
                  </td>
                  <td className="form-actions">
                    <button
                      type="button"
                      className="small"
                      disabled={busy}
                      onClick={() =>
                        void run(async () => {
                          const s = await api.call('backup.inspect', { name: b.name })
                          const changes = s.securityChanges.length
                          const security =
                            changes > 0
                              ? ` Restoring it would change ${changes} security setting${changes === 1 ? '' : 's'}.`
                              : ''
                          return `${b.name} is intact: ${s.files.length} files, made ${formatDateTime(s.createdAt)} by version ${s.appVersion}.${security}`
                        })
                      }
                    >
                      Verify
                    </button>
                    <button
                      type="button"
                      className="small"
                      disabled={busy}
                      onClick={() => restore({ name: b.name }, b.name)}
                    >
                      Restore
                    </button>
                    <button
                      type="button"
                      className="small danger-outline"
                      disabled={busy}
                      onClick={() => {
                        if (window.confirm(`Delete ${b.name}?`)) {
                          void run(async () => {
                            await api.call('backup.delete', { name: b.name })
                            return `Deleted ${b.name}.`
                          })
                        }
                      }}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
