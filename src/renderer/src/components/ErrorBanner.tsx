import { describeError } from '../lib/describe-error'

/** An error in words, with an optional retry; renders nothing when there is no error. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (error === undefined || error === null) return null
  return (
    <div className="banner banner--error" role="alert">
      <span>{describeError(error)}</span>
      {onRetry && (
        <button type="button" className="banner__action" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  )
}
