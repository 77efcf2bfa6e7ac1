import { useState } from 'react'
import type { OtaDeviceProgress, OtaJob } from '@shared/contract/ota'
import { useApi } from '../api/api-context'
import { describeError } from '../lib/describe-error'

const STATE_TEXT: Record<OtaDeviceProgress['state'], string> = {
  queued: 'Queued',
  waiting: 'Waiting (offline)',
  sending: 'Sending',
  verifying: 'Checking',
  applying: 'Swapping files',
  rebooting: 'Restarting',
  done: 'Updated',
  skipped: 'Skipped',
  failed: 'Failed',
  cancelled: 'Cancelled',
}

/** Step 2: every board's progress with ETA, results, and cancel. */
export function UpdateJobView({
  job,
  names,
  onNew,
  onClose,
}: {
  job: OtaJob
  names: ReadonlyMap<string, string>
  onNew: () => void
  onClose: () => void
}) {
  const api = useApi()
  const [error, setError] = useState<string | null>(null)
  const running = job.state === 'running'
  const cancel = async (): Promise<void> => {
    try {
      await api.call('ota.cancel', { job: job.id })
    } catch (e) {
      setError(describeError(e))
    }
  }
  return (
    <>
      <p className="ota-summary" role="status" aria-live="polite">
        {running ? `Updating to ${job.version}: ` : `Update to ${job.version} ${job.state}: `}
        {summary(job)}
      </p>
      <ul className="ota-list" aria-label="Progress per board">
        {job.devices.map((d) => (
          <li key={d.id} className={`ota-row ota-row--${d.state}`} data-device-id={d.id}>
            <span className="ota-row__name">
              {names.get(d.id) ?? d.id}
              {d.canary && <span className="badge">first</span>}
            </span>
            <span className="ota-row__state" data-state={d.state}>
              {STATE_TEXT[d.state]}
            </span>
            <progress
              max={Math.max(1, d.total)}
              value={d.state === 'done' ? Math.max(1, d.total) : d.next}
              aria-label={`${names.get(d.id) ?? d.id} progress`}
            />
            <span className="ota-row__eta mono">{eta(d)}</span>
            <span className="ota-row__message" title={d.message ?? undefined}>
              {d.message ?? ''}
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      )}
      <div className="ota-actions">
        {running ? (
          <>
            <span className="muted-inline">Closing this keeps the update going.</span>
            <button type="button" className="danger" onClick={() => void cancel()}>
              Cancel update
            </button>
          </>
        ) : (
          <button type="button" onClick={onNew}>
            Update other boards…
          </button>
        )}
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </>
  )
}

/** "2 updated · 1 failed · 7 to go": only what there is. */
function summary(job: OtaJob): string {
  const count = (state: string) => job.devices.filter((d) => d.state === state).length
  const parts = [
    [count('done'), 'updated'],
    [count('skipped'), 'skipped'],
    [count('failed'), 'failed'],
    [count('cancelled'), 'cancelled'],
  ] as const
  const settled = parts.reduce((n, [c]) => n + c, 0)
  const text = parts.filter(([c]) => c > 0).map(([c, what]) => `${c} ${what}`)
  if (job.devices.length > settled) text.push(`${job.devices.length - settled} to go`)
  return text.join(' · ')
}

function eta(d: OtaDeviceProgress): string {
  if (d.state !== 'sending' || d.etaS === null) return ''
  const s = Math.max(0, Math.round(d.etaS))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} left`
}
