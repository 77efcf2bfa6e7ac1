import type { IngestStats } from '@shared/contract/ingest'

/** Above this lag the UI says data is late (the contract's "a few seconds"). */
export const LATE_AFTER_MS = 2000
/** …and says it caught up only below this, so a lag hovering around 2 s does not blink. */
export const CAUGHT_UP_BELOW_MS = 1000

/** How late live data is, while it is late. */
export interface Lateness {
  lagMs: number
  /** The broker is holding publishers back: data waits before it is even counted in lagMs. */
  paused: boolean
}

/** The next state from a new `ingest.stats`: late (with hysteresis) or on time (null). */
export function nextLateness(
  current: Lateness | null,
  stats: Pick<IngestStats, 'lagMs' | 'backlog'>,
): Lateness | null {
  const { lagMs } = stats
  const paused = stats.backlog.paused
  const late = paused || lagMs > LATE_AFTER_MS || (current !== null && lagMs >= CAUGHT_UP_BELOW_MS)
  return late ? { lagMs, paused } : null
}

/**
 * How old data stamped `ts` is at least. While the data path is late, nothing shown can be
 * fresher than its lag, whatever the stamp says (a stamp is when the app received the
 * message, or the device's clock), so the age is never less than the lag and is marked as a
 * lower bound: held-back publishers add a delay no one measures.
 */
export function dataAge(
  ts: number,
  now: number,
  late: Lateness | null,
): { ms: number; atLeast: boolean } {
  const ms = Math.max(0, now - ts)
  // A lower bound of "now" says nothing: at least a second.
  return late ? { ms: Math.max(ms, late.lagMs, 1000), atLeast: true } : { ms, atLeast: false }
}

/** "0.4 s", "12 s", "3 min", "2 h 5 min": a lag for a sentence. */
export function formatLag(ms: number): string {
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const rest = minutes % 60
  return `${Math.floor(minutes / 60)} h${rest ? ` ${rest} min` : ''}`
}
