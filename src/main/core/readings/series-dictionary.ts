import type { DatabaseSync, StatementSync } from 'node:sqlite'

/**
 * Integer ids for device names, metric names and (device, metric) series, mirrored in memory
 * so the write path resolves a reading with two Map lookups and an array index instead of
 * storing strings per row. A name seen for the first time gets its id in memory at once and
 * is written by `persist()` inside the writer's next transaction (or the migration's), so a
 * new device costs no write of its own and a locked database cannot refuse it: the rows that
 * use an id and the row that names it commit together. Ids never change afterwards, even when
 * a device's readings are deleted, so a returning device reuses them.
 */
export class SeriesDictionary {
  private readonly deviceIds = new Map<string, number>()
  private readonly metricIds = new Map<string, number>()
  private readonly deviceNames: string[] = []
  private readonly metricNames: string[] = []
  /** seriesOf[device][metric] → series id. */
  private readonly seriesOf: number[][] = []
  /** Device id by series id (also: which series ids exist). */
  private readonly seriesDevice: number[] = []
  private inserts: { device: StatementSync; metric: StatementSync; series: StatementSync } | null =
    null
  /** Ids given out in memory and not yet committed to the database, in creation order. */
  private unsaved: Array<
    | { kind: 'device' | 'metric'; id: number; name: string }
    | { kind: 'series'; id: number; device: number; metric: number }
  > = []
  /** How many of `unsaved` the transaction in progress has written (see persist/committed). */
  private written = 0

  private readonly db: DatabaseSync

  constructor(db: DatabaseSync) {
    this.db = db
    for (const row of db.prepare('SELECT id, name FROM devices').all()) {
      this.remember(this.deviceIds, this.deviceNames, String(row.name), Number(row.id))
    }
    for (const row of db.prepare('SELECT id, name FROM metrics').all()) {
      this.remember(this.metricIds, this.metricNames, String(row.name), Number(row.id))
    }
    for (const row of db.prepare('SELECT id, device, metric FROM series').all()) {
      this.rememberSeries(Number(row.id), Number(row.device), Number(row.metric))
    }
  }

  /** The id of a device name, created on first use. */
  device(name: string): number {
    return this.deviceIds.get(name) ?? this.create(this.deviceIds, this.deviceNames, name, 'device')
  }

  /** The id of a metric name, created on first use. */
  metric(name: string): number {
    return this.metricIds.get(name) ?? this.create(this.metricIds, this.metricNames, name, 'metric')
  }

  /** The series id of (device id, metric id), created on first use. */
  series(device: number, metric: number): number {
    const known = this.seriesOf[device]?.[metric]
    if (known !== undefined) return known
    const id = Math.max(1, this.seriesDevice.length)
    this.rememberSeries(id, device, metric)
    this.unsaved.push({ kind: 'series', id, device, metric })
    return id
  }

  /**
   * Writes the ids given out since the last commit; call inside the transaction that writes
   * rows using them, then `committed()` once it has committed. After a rollback they are
   * written again by the next transaction.
   */
  persist(): void {
    const statements = this.statements()
    for (const entry of this.unsaved) {
      if (entry.kind === 'series') statements.series.run(entry.id, entry.device, entry.metric)
      else statements[entry.kind].run(entry.id, entry.name)
    }
    this.written = this.unsaved.length
  }

  /** The transaction that ran `persist()` committed. */
  committed(): void {
    this.unsaved.splice(0, this.written)
    this.written = 0
  }

  /** Lookups that never create: undefined when the name or pair was never stored. */
  findDevice(name: string): number | undefined {
    return this.deviceIds.get(name)
  }

  findMetric(name: string): number | undefined {
    return this.metricIds.get(name)
  }

  findSeries(device: number, metric: number): number | undefined {
    return this.seriesOf[device]?.[metric]
  }

  /** Names by id (`#id` for an id this dictionary has not loaded). */
  deviceName(id: number): string {
    return this.deviceNames[id] ?? `#${id}`
  }

  metricName(id: number): string {
    return this.metricNames[id] ?? `#${id}`
  }

  /** Device ids, in name order. */
  devicesByName(): number[] {
    return [...this.deviceIds.entries()].sort(([a], [b]) => compare(a, b)).map(([, id]) => id)
  }

  /** Every series id of a device. */
  seriesOfDevice(device: number): number[] {
    return (this.seriesOf[device] ?? []).filter((id) => id !== undefined)
  }

  /** Metric ids a device has reported, in name order. */
  metricsOfDevice(device: number): number[] {
    const metrics: number[] = []
    ;(this.seriesOf[device] ?? []).forEach((id, metric) => id !== undefined && metrics.push(metric))
    return metrics.sort((a, b) => compare(this.metricName(a), this.metricName(b)))
  }

  /** All series ids. */
  allSeries(): number[] {
    const ids: number[] = []
    this.seriesDevice.forEach((_, id) => ids.push(id))
    return ids
  }

  private create(
    ids: Map<string, number>,
    names: string[],
    name: string,
    kind: 'device' | 'metric',
  ): number {
    const id = Math.max(1, names.length)
    this.remember(ids, names, name, id)
    this.unsaved.push({ kind, id, name })
    return id
  }

  private remember(ids: Map<string, number>, names: string[], name: string, id: number): void {
    ids.set(name, id)
    names[id] = name
  }

  private rememberSeries(id: number, device: number, metric: number): void {
    ;(this.seriesOf[device] ??= [])[metric] = id
    this.seriesDevice[id] = device
  }

  /** Prepared lazily: a read-only connection (CLI export) never writes. */
  private statements(): { device: StatementSync; metric: StatementSync; series: StatementSync } {
    return (this.inserts ??= {
      device: this.db.prepare('INSERT INTO devices (id, name) VALUES (?, ?)'),
      metric: this.db.prepare('INSERT INTO metrics (id, name) VALUES (?, ?)'),
      series: this.db.prepare('INSERT INTO series (id, device, metric) VALUES (?, ?, ?)'),
    })
  }
}

/** Code-unit order: what v1's ORDER BY device (BINARY collation) gave for ASCII names. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
