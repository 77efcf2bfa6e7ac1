import { formatDateTime } from '../lib/time'
import { formatLag } from '../store/lateness'
import { useIngest } from '../store/use-ingest'
import { BacklogBar } from './BacklogBar'
import { ClusterLossSection } from './ClusterLossSection'
import { describeShed } from './shed-reasons'

const rate = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })
const count = new Intl.NumberFormat()

/**
 * From the broker to storage and the screen: how much is stored per second, what waits,
 * how late data is, whether devices are being held back, and everything given up on the way.
 */
export function DataPathCard() {
  const { stats, late } = useIngest()
  const status = !stats
    ? null
    : late?.paused
      ? { text: 'Holding devices back', tone: 'warn' }
      : late
        ? { text: `${formatLag(late.lagMs)} behind`, tone: 'warn' }
        : { text: 'On time', tone: 'ok' }
  const shed = stats ? describeShed(stats.shed) : []
  return (
    <section className="card data-path" aria-labelledby="data-path-title">
      <div className="card__head">
        <h2 id="data-path-title">Data path</h2>
        {status && (
          <span className={`pill pill--${status.tone}`} data-testid="data-path-status">
            {status.text}
          </span>
        )}
        <span className="spacer" />
        {stats && (
          <span className="muted-inline">counting since {formatDateTime(stats.since)}</span>
        )}
      </div>
      {!stats ? (
        <p className="muted-inline">No figures from the app yet; they come once messages flow.</p>
      ) : (
        <>
          <div className="stat-row">
            <div className="stat">
              <span className="stat__value" data-testid="ingest-rate">
                {rate.format(stats.readingsPerS)}
              </span>
              <span className="stat__label">Readings stored / s</span>
            </div>
            <div className="stat">
              <span className="stat__value" data-testid="ingest-backlog">
                {count.format(stats.backlog.queued)}
                <span className="stat__of"> / {count.format(stats.backlog.highWater)}</span>
              </span>
              <BacklogBar queued={stats.backlog.queued} highWater={stats.backlog.highWater} />
              <span className="stat__label">Queued / high water</span>
            </div>
            <div className="stat">
              <span className="stat__value" data-testid="ingest-lag">
                {formatLag(stats.lagMs)}
              </span>
              <span className="stat__label">Lag: how late stored data is</span>
            </div>
            <div className="stat">
              <span className="stat__value" data-testid="ingest-pauses">
                {count.format(stats.backlog.pauses)}
              </span>
              <span className="stat__label">
                {stats.backlog.paused
                  ? 'Times devices were held back (now too)'
                  : 'Times devices were held back'}
              </span>
            </div>
          </div>
          <p className="hint">
            {count.format(stats.messages)} messages: {count.format(stats.readings)} readings stored,{' '}
            {count.format(stats.unparsed)} unreadable, {count.format(stats.duplicates)} repeated
            deliveries dropped. Above the high water mark the broker stops reading from devices
            until storage catches up, so devices wait rather than the app dropping their messages.
          </p>
          <h3>Given up on the way</h3>
          {shed.length === 0 ? (
            <p className="muted-inline" data-testid="shed-none">
              Nothing: every message that arrived was kept.
            </p>
          ) : (
            <ul className="shed-list">
              {shed.map((s) => (
                <li key={s.kind} className={`shed shed--${s.severity}`} data-shed={s.kind}>
                  <strong>{s.title}</strong>
                  <span>{s.detail}</span>
                </li>
              ))}
            </ul>
          )}
          {stats.cluster && <ClusterLossSection loss={stats.cluster} />}
        </>
      )}
    </section>
  )
}
