import { useNow } from '../lib/use-now'
import { formatAge, formatDateTime } from '../lib/time'

/** "12 s ago", ticking; the exact time is in the tooltip and the datetime attribute. */
export function Age({ ts }: { ts: number | null | undefined }) {
  const now = useNow()
  if (ts === null || ts === undefined) return <span className="muted-inline">never</span>
  return (
    <time dateTime={new Date(ts).toISOString()} title={formatDateTime(ts)}>
      {formatAge(ts, now)}
    </time>
  )
}
