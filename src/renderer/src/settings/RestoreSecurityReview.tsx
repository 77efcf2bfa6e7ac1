import type { BackupSummary } from '@shared/contract/backup'
import { formatDateTime } from '../lib/time'

/**
 * What a restore would change in security settings, before it is staged. A backup's
 * checksums only prove it is intact, not who made it, so the person decides.
 */
export function RestoreSecurityReview({
  name,
  backup,
  busy,
  onConfirm,
  onCancel,
}: {
  name: string
  backup: BackupSummary
  busy: boolean
  onConfirm: () => void
  onCancel: () => void
}) {
  return (
    <div className="banner banner--warn" role="alertdialog" aria-label="Security changes">
      <p>
        Restoring {name} (made {formatDateTime(backup.createdAt)}) changes your security settings:
      </p>
      <ul>
        {backup.securityChanges.map((c) => (
          <li key={c.text}>
            {c.opens ? <strong>{c.text}</strong> : c.text}
            {c.opens && <span className="muted"> (opens access)</span>}
          </li>
        ))}
      </ul>
      <p className="muted">
        Only go ahead if you made this backup and expect these changes: anyone who can edit an
        archive can also recompute its checksums.
      </p>
      <div className="form-actions">
        <button type="button" className="primary" disabled={busy} onClick={onConfirm}>
          Restore with these changes
        </button>
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  )
}
