import { useNow } from '../lib/use-now'
import { formatAge, formatDateTime } from '../lib/time'
import { dataAge, formatLag } from '../store/lateness'
import { useLateness } from '../store/use-ingest'

/**
 * "12 s ago" for live data. While the data path is late it never claims fresher data than
 * there is: the age is at least the lag, shown as "≥ 12 s ago", with the reason in the tooltip.
 */
export function DataAge({ ts }: { ts: number | null | undefined }) {
  const now = useNow()
  const late = useLateness()
  if (ts === null || ts === undefined) return <span className="muted-inline">never</span>
  const { ms, atLeast } = dataAge(ts, now, late)
  const exact = formatDateTime(ts)
  return (
    <time
      dateTime={new Date(ts).toISOString()}
      className={atLeast ? 'age--late' : undefined}
      title={
        late
          ? `${exact}. Live data is ${formatLag(late.lagMs)} behind: this is at least as old as shown.`
          : exact
      }
    >
      {atLeast && (
        <>
          <span aria-hidden="true">≥ </span>
          <span className="sr-only">at least </span>
        </>
      )}
      {formatAge(now - ms, now)}
    </time>
  )
}
