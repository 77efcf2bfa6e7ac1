import { join } from 'node:path'
import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import type { AlertIncident, AlertLogQuery } from '../../../shared/contract/alerts'

/** Incidents kept; older ones are pruned (a log, not an archive: InfluxDB can keep history). */
export const MAX_INCIDENTS = 20_000

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS incidents (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    rule_id         TEXT NOT NULL,
    rule_name       TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    device_name     TEXT NOT NULL,
    condition       TEXT NOT NULL,
    metric          TEXT,
    value           REAL,
    message         TEXT NOT NULL,
    fired_at        INTEGER NOT NULL,
    cleared_at      INTEGER,
    acknowledged_at INTEGER,
    quiet           INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS incidents_fired ON incidents (fired_at);
  CREATE INDEX IF NOT EXISTS incidents_active ON incidents (rule_id, device_id) WHERE cleared_at IS NULL;
`

interface Row {
  id: number
  rule_id: string
  rule_name: string
  device_id: string
  device_name: string
  condition: AlertIncident['condition']
  metric: string | null
  value: number | null
  message: string
  fired_at: number
  cleared_at: number | null
  acknowledged_at: number | null
  quiet: number
}

function toIncident(r: Row): AlertIncident {
  return {
    id: Number(r.id),
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    deviceId: r.device_id,
    deviceName: r.device_name,
    condition: r.condition,
    metric: r.metric,
    value: r.value,
    message: r.message,
    firedAt: Number(r.fired_at),
    clearedAt: r.cleared_at === null ? null : Number(r.cleared_at),
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    quiet: r.quiet !== 0,
  }
}

export type NewIncident = Omit<AlertIncident, 'id' | 'clearedAt' | 'acknowledgedAt'>

/**
 * The alert log in `<dataDir>/alerts.sqlite`: one row per incident (fired → cleared),
 * filterable and acknowledgeable. SQLite rather than lowdb so the log can grow to
 * thousands of rows without rewriting a file per alert. Open incidents survive a restart,
 * so a condition that still holds is not announced twice.
 */
export class AlertLog {
  readonly file: string
  private readonly db: DatabaseSync
  private inserts = 0
  private closed = false

  constructor(dataDir: string) {
    this.file = join(dataDir, 'alerts.sqlite')
    this.db = new DatabaseSync(this.file)
    this.db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;',
    )
    this.db.exec(SCHEMA)
  }

  open(incident: NewIncident): AlertIncident {
    const row = this.db
      .prepare(
        `INSERT INTO incidents (rule_id, rule_name, device_id, device_name, condition, metric, value,
           message, fired_at, quiet)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      )
      .get(
        incident.ruleId,
        incident.ruleName,
        incident.deviceId,
        incident.deviceName,
        incident.condition,
        incident.metric,
        incident.value,
        incident.message,
        incident.firedAt,
        incident.quiet ? 1 : 0,
      ) as unknown as Row
    if (++this.inserts % 100 === 0) this.prune()
    return toIncident(row)
  }

  /** Marks an incident cleared; null when it was not open (already cleared or unknown). */
  markCleared(id: number, at: number): AlertIncident | null {
    const row = this.db
      .prepare(
        'UPDATE incidents SET cleared_at = ? WHERE id = ? AND cleared_at IS NULL RETURNING *',
      )
      .get(at, id) as unknown as Row | undefined
    return row ? toIncident(row) : null
  }

  get(id: number): AlertIncident | null {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as unknown as
      Row | undefined
    return row ? toIncident(row) : null
  }

  /** Incidents still firing, oldest first. */
  active(): AlertIncident[] {
    const rows = this.db
      .prepare('SELECT * FROM incidents WHERE cleared_at IS NULL ORDER BY id')
      .all() as unknown as Row[]
    return rows.map(toIncident)
  }

  query(q: AlertLogQuery): { entries: AlertIncident[]; total: number } {
    const where: string[] = []
    const params: SQLInputValue[] = []
    const add = (sql: string, value?: SQLInputValue): void => {
      where.push(sql)
      if (value !== undefined) params.push(value)
    }
    if (q.ruleId !== undefined) add('rule_id = ?', q.ruleId)
    if (q.deviceId !== undefined) add('device_id = ?', q.deviceId)
    if (q.status === 'active') add('cleared_at IS NULL')
    if (q.status === 'cleared') add('cleared_at IS NOT NULL')
    if (q.acknowledged === true) add('acknowledged_at IS NOT NULL')
    if (q.acknowledged === false) add('acknowledged_at IS NULL')
    if (q.from !== undefined) add('fired_at >= ?', q.from)
    if (q.to !== undefined) add('fired_at < ?', q.to)
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    const total = Number(
      (
        this.db.prepare(`SELECT COUNT(*) AS n FROM incidents ${filter}`).get(...params) as {
          n: number
        }
      ).n,
    )
    const page = q.beforeId === undefined ? filter : `${filter ? `${filter} AND` : 'WHERE'} id < ?`
    const pageParams = q.beforeId === undefined ? params : [...params, q.beforeId]
    const rows = this.db
      .prepare(`SELECT * FROM incidents ${page} ORDER BY id DESC LIMIT ?`)
      .all(...pageParams, q.limit) as unknown as Row[]
    return { entries: rows.map(toIncident), total }
  }

  /** Acknowledges the given incidents (or every unacknowledged one); returns the ids changed. */
  acknowledge(ids: readonly number[] | 'all', at: number): number[] {
    const rows =
      ids === 'all'
        ? this.db
            .prepare(
              'UPDATE incidents SET acknowledged_at = ? WHERE acknowledged_at IS NULL RETURNING id',
            )
            .all(at)
        : this.db
            .prepare(
              `UPDATE incidents SET acknowledged_at = ?
               WHERE acknowledged_at IS NULL AND id IN (${ids.map(() => '?').join(',')}) RETURNING id`,
            )
            .all(at, ...ids)
    return (rows as { id: number }[]).map((r) => Number(r.id)).sort((a, b) => a - b)
  }

  prune(): void {
    this.db
      .prepare(
        'DELETE FROM incidents WHERE id <= (SELECT MAX(id) FROM incidents) - ? AND cleared_at IS NOT NULL',
      )
      .run(MAX_INCIDENTS)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.db.close()
  }
}
