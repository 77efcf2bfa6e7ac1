import type { Settings } from '../../../shared/contract/settings'
import type { InfluxForwardConfig } from '../influx/influx-forwarder'

/** Command-line / environment overrides of the history store (web mode, `serve`). */
export interface HistoryOverrides {
  store?: 'sqlite' | 'influx'
  /**
   * `http(s)://[user:password@]host:port[/name]`: name = the 1.x database or the 2.x bucket.
   * User and password are the 1.x credentials; for 2.x give the token in `token`.
   */
  url?: string
  version?: '1' | '2'
  org?: string
  token?: string
}

/** Which store to open: SQLite, or InfluxDB with everything needed to reach it. */
export type HistoryChoice = { kind: 'sqlite' } | { kind: 'influx'; target: InfluxForwardConfig }

/** Lines queued on disk for the history store before the oldest batches go (1 GiB). */
const HISTORY_QUEUE_MB = 1024
/**
 * Longest a reading waits in memory before it is in the on-disk queue: what a crash can lose,
 * as the SQLite store's 250 ms write buffer (forwarding's own interval is for the network).
 */
const HISTORY_FLUSH_S = 0.25

/**
 * Settings (history.store), then the saved InfluxDB connection, then the overrides, in that
 * order of precedence (last wins). Throws an Error with a readable message on a bad URL or an
 * incomplete 2.x target; never echoes a password.
 */
export function resolveHistoryChoice(
  settings: Settings,
  saved: InfluxForwardConfig,
  overrides: HistoryOverrides = {},
): HistoryChoice {
  const store = overrides.store ?? settings.history.store
  if (store === 'sqlite') return { kind: 'sqlite' }
  const target: InfluxForwardConfig = {
    ...saved,
    maxQueueMB: Math.max(saved.maxQueueMB, HISTORY_QUEUE_MB),
    flushIntervalS: Math.min(saved.flushIntervalS, HISTORY_FLUSH_S),
  }
  if (overrides.version !== undefined) target.version = overrides.version
  if (overrides.org !== undefined) target.org = overrides.org
  if (overrides.token !== undefined) target.token = overrides.token
  if (overrides.url !== undefined) applyUrl(target, overrides.url)
  if (target.version === '2' && (target.org === '' || target.bucket === '')) {
    throw new Error('InfluxDB 2.x history needs an organisation and a bucket.')
  }
  return { kind: 'influx', target }
}

function applyUrl(target: InfluxForwardConfig, text: string): void {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    url = new URL('invalid:')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const shown = text.replace(/\/\/[^@/\s]*@/, '//***@')
    throw new Error(`The InfluxDB URL must look like http://host:8086/iot, got "${shown}".`)
  }
  const name = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''))
  if (name !== '') {
    if (target.version === '1') target.database = name
    else target.bucket = name
  }
  if (url.username !== '') {
    target.username = decodeURIComponent(url.username)
    target.password = url.password === '' ? null : decodeURIComponent(url.password)
  }
  target.url = `${url.protocol}//${url.host}`
}
