import { hrefFor } from '../app/routes'
import { formatLag } from '../store/lateness'
import { useLateness } from '../store/use-ingest'

/**
 * A slim notice while live data is late (the server's ingest lags or the broker holds
 * devices back). The live region says once that data is late; the figure that changes every
 * second sits outside it, so screen readers are not told the lag every second.
 */
export function LateDataNotice() {
  const late = useLateness()
  if (!late) return null
  return (
    <div className="late-notice" data-testid="late-notice">
      <span className="sr-only" role="status">
        Live data is late; the app is catching up.
      </span>
      <span className="late-notice__icon" aria-hidden="true">
        ◷
      </span>
      <p className="late-notice__text">
        {late.lagMs >= 1000 ? (
          <>
            <strong>Live data is {formatLag(late.lagMs)} behind</strong> — the app is catching up.
          </>
        ) : (
          // Held back before the lag could show: the delay is in the devices' sockets.
          <strong>The app is catching up with a burst of data.</strong>
        )}
        {late.paused &&
          ' Meanwhile the broker is slowing devices down, so readings may be older than shown.'}
      </p>
      <a className="late-notice__link" href={hrefFor('broker')}>
        Data path
      </a>
    </div>
  )
}
