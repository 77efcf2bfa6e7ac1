import type { DatabaseSync } from 'node:sqlite'
import { ROLLUP_TIERS } from './rollup-accumulator'
import { PAIR_BYTES } from './sample-codec'
import type { SeriesDictionary } from './series-dictionary'

/** How long each tier keeps data, in days. */
export interface RetentionDays {
  raw: number
  minute: number
  hour: number
}

const DAY_MS = 86_400_000

/** The statements prune runs, exported so a test can check each one's query plan. */
export const PRUNE_SQL = {
  measureRaw:
    'SELECT coalesce(sum(length(data)), 0) AS bytes FROM samples WHERE device = ? AND ts < ?',
  deleteRaw: 'DELETE FROM samples WHERE device = ? AND ts < ?',
  deleteRollup: (table: string): string => `DELETE FROM ${table} WHERE series = ? AND bucket <= ?`,
}

/**
 * Deletes raw rows older than `days.raw` and rollup buckets that ended before their tier's
 * cutoff, one device (raw) or one series (rollups) at a time, so every DELETE is a range on
 * the (device, ts) index or the (series, bucket) primary key, never a table scan. Runs inside
 * the caller's transaction. Returns the raw readings deleted.
 */
export function pruneReadings(
  db: DatabaseSync,
  dictionary: SeriesDictionary,
  now: number,
  days: RetentionDays,
): number {
  const rawCutoff = now - days.raw * DAY_MS
  const measure = db.prepare(PRUNE_SQL.measureRaw)
  const deleteRaw = db.prepare(PRUNE_SQL.deleteRaw)
  let deleted = 0
  for (const device of dictionary.devicesByName()) {
    const bytes = Number(measure.get(device, rawCutoff)?.bytes ?? 0)
    if (bytes === 0) continue
    deleteRaw.run(device, rawCutoff)
    deleted += bytes / PAIR_BYTES
  }
  const series = dictionary.allSeries()
  for (const tier of ROLLUP_TIERS) {
    // Only whole buckets: one that straddles the cutoff still holds readings worth keeping.
    const lastStart = now - days[tier.name] * DAY_MS - tier.ms
    const del = db.prepare(PRUNE_SQL.deleteRollup(tier.table))
    for (const id of series) del.run(id, lastStart)
  }
  return deleted
}
