/** Locale-aware time formatting: the browser's locale and time zone, never hard-coded. */

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'narrow' })
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const clockSeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})
const dayClock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
})
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' })

/** "12 s ago", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(ts: number | null | undefined, now: number): string {
  if (ts === null || ts === undefined) return 'never'
  const seconds = Math.max(0, Math.round((now - ts) / 1000))
  if (seconds < 60) return relative.format(-seconds, 'second')
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return relative.format(-minutes, 'minute')
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return relative.format(-hours, 'hour')
  return relative.format(-Math.floor(hours / 24), 'day')
}

export function formatDateTime(ts: number): string {
  return full.format(ts)
}

export function formatClock(ts: number, withSeconds = false): string {
  return (withSeconds ? clockSeconds : clock).format(ts)
}

/** Axis tick label suited to how much time the axis spans. */
export function formatTick(ts: number, spanMs: number): string {
  if (spanMs <= 10 * 60_000) return clockSeconds.format(ts)
  if (spanMs <= 36 * 3_600_000) return clock.format(ts)
  const d = new Date(ts)
  const midnight = d.getHours() === 0 && d.getMinutes() === 0
  return midnight ? day.format(ts) : dayClock.format(ts)
}

/** Value for an <input type="datetime-local"> in local time. */
export function toLocalInput(ts: number): string {
  const d = new Date(ts)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function fromLocalInput(value: string): number | null {
  const ts = new Date(value).getTime()
  return Number.isFinite(ts) ? ts : null
}
