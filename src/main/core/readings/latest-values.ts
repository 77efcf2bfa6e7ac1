import type { DatabaseSync, StatementSync } from 'node:sqlite'

/**
 * The newest value per series, answered from memory and written to the `latest` table only
 * at checkpoints (with the rollups), not once per reading. Newest ts wins; on a tie the later
 * arrival wins, as v1's upsert did.
 */
export class LatestValues {
  private ts: (number | undefined)[] = []
  private value: number[] = []
  private readonly dirty = new Set<number>()
  private readonly db: DatabaseSync
  private readonly upsert: StatementSync

  constructor(db: DatabaseSync) {
    this.db = db
    this.upsert = db.prepare(
      `INSERT INTO latest (series, ts, value) VALUES (?, ?, ?)
       ON CONFLICT (series) DO UPDATE SET ts = excluded.ts, value = excluded.value`,
    )
    this.reload()
  }

  /** Forgets unwritten changes and reads the table again (after a failed transaction). */
  reload(): void {
    this.ts = []
    this.value = []
    this.dirty.clear()
    for (const row of this.db.prepare('SELECT series, ts, value FROM latest').all()) {
      this.ts[Number(row.series)] = Number(row.ts)
      this.value[Number(row.series)] = Number(row.value)
    }
  }

  /** Takes a stored reading into account. */
  observe(series: number, ts: number, value: number): void {
    const current = this.ts[series]
    if (current !== undefined && ts < current) return
    this.ts[series] = ts
    this.value[series] = value
    this.dirty.add(series)
  }

  /** The newest reading of a series, if any. */
  get(series: number): { ts: number; value: number } | undefined {
    const ts = this.ts[series]
    return ts === undefined ? undefined : { ts, value: this.value[series]! }
  }

  /** Writes the changed series (inside the caller's transaction). */
  write(): void {
    for (const series of this.dirty) this.upsert.run(series, this.ts[series]!, this.value[series]!)
    this.dirty.clear()
  }

  /** True when some change is not written yet. */
  get pending(): boolean {
    return this.dirty.size > 0
  }

  /** Removes these series from memory and the table (inside the caller's transaction). */
  drop(series: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM latest WHERE series = ?')
    for (const id of series) {
      this.ts[id] = undefined
      this.dirty.delete(id)
      del.run(id)
    }
  }

  /** Removes series whose newest reading is older than `cutoff` (their raw data is pruned). */
  dropOlderThan(cutoff: number): void {
    this.ts.forEach((ts, id) => {
      if (ts !== undefined && ts < cutoff) {
        this.ts[id] = undefined
        this.dirty.delete(id)
      }
    })
    this.db.prepare('DELETE FROM latest WHERE ts < ?').run(cutoff)
  }
}
