import { hrefFor } from '../app/routes'
import { describeError } from '../lib/describe-error'
import { StageList } from './StageList'
import type { InstallRun } from './use-install'

/** Binary units, as the stage messages count bytes (KiB). */
function rate(bytesPerSecond: number): string {
  return bytesPerSecond >= 1024 * 1024
    ? `${(bytesPerSecond / 1048576).toFixed(1)} MiB/s`
    : `${Math.round(bytesPerSecond / 1024)} KiB/s`
}

/**
 * Step 4: one view through every stage, then "online!" with a link to the device, or what
 * went wrong, what to do about it, and a retry.
 */
export function InstallProgressView({
  run,
  onCancel,
  onRetry,
  onEdit,
  onAnother,
}: {
  run: InstallRun
  onCancel: () => void
  onRetry: (() => void) | undefined
  onEdit: () => void
  onAnother: () => void
}) {
  const p = run.progress
  const failed = run.error !== undefined || p?.stage === 'failed'
  const done = run.result !== undefined
  const percent = done ? 100 : Math.round(p?.percent ?? 0)
  const deviceId = run.result?.deviceId ?? p?.deviceId
  const failure = describeFailure(run)
  return (
    <section
      className="card wizard-step install-progress"
      aria-labelledby="install-title"
      aria-busy={!done && !failed}
    >
      <h2 id="install-title">
        {done ? 'Online!' : failed ? 'The install stopped' : 'Installing…'}
      </h2>
      <div className="install-progress__bar">
        <progress max={100} value={percent} aria-label="Overall progress" />
        <span className="install-progress__percent">{percent} %</span>
      </div>
      {/* Once it ended, the outcome below says it: the last message is not repeated. */}
      {!done && !failed && (
        <p className="install-progress__message" role="status">
          {p?.message ?? 'Starting…'}
          {p && p.bytesPerSecond > 0 && ` · ${rate(p.bytesPerSecond)}`}
          {p?.etaSeconds != null && ` · about ${Math.ceil(p.etaSeconds)} s left`}
        </p>
      )}
      <StageList run={run} />
      {failed && (
        <div className="install-error" role="alert">
          <p className="install-error__what">{failure.what}</p>
          {failure.hint && <p className="install-error__hint">{failure.hint}</p>}
        </div>
      )}
      {done && run.result && (
        <div className="install-done" role="status">
          <p>
            <strong>{run.result.deviceId}</strong> is online on {run.result.brokerHost}:
            {run.result.brokerPort} after {Math.round(run.result.totalMs / 1000)} s.
          </p>
        </div>
      )}
      {run.log && (
        <details className="install-log">
          <summary>What the board printed</summary>
          <pre>{run.log}</pre>
        </details>
      )}
      <div className="wizard-actions">
        {!done && !failed && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        {failed && (
          <>
            <button type="button" onClick={onEdit}>
              Change settings
            </button>
            {onRetry && (
              <button type="button" className="primary" onClick={onRetry}>
                Retry
              </button>
            )}
          </>
        )}
        {done && (
          <>
            <button type="button" onClick={onAnother}>
              Install another board
            </button>
            {deviceId && (
              <a className="button primary" href={hrefFor('devices', deviceId)}>
                Open the device
              </a>
            )}
          </>
        )}
      </div>
    </section>
  )
}

/**
 * What failed and what to do. The failed progress event carries the two apart; the call's
 * error joins them, so the hint is shown once either way.
 */
function describeFailure(run: InstallRun): { what: string; hint?: string } {
  const p = run.progress
  if (p?.stage === 'failed') return { what: p.message, ...(p.hint ? { hint: p.hint } : {}) }
  return { what: run.error !== undefined ? describeError(run.error) : 'The install stopped.' }
}
