import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { ReadingsCursor } from './export-service'

/**
 * Read-only access to a data folder for headless tools (CLI export): no migrations, no
 * pruning, no writes, so it is safe next to a running app (WAL lets readers and the
 * writer work at once).
 */
export class ReadonlyReadings implements ReadingsCursor {
  private readonly db: DatabaseSync

  constructor(dataDir: string) {
    const file = join(dataDir, 'readings.sqlite')
    if (!existsSync(file)) throw new Error(`No readings database in ${dataDir}.`)
    this.db = new DatabaseSync(file, { readOnly: true })
  }

  *iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
    order: 'series' | 'time' = 'time',
  ): Generator<ReadingPoint> {
    const ids = deviceIds ?? []
    const filter =
      deviceIds === undefined ? '' : `AND device IN (${ids.map(() => '?').join(', ') || 'NULL'})`
    const orderBy = order === 'time' ? 'ts, device, metric' : 'device, metric, ts'
    const statement = this.db.prepare(
      `SELECT device AS deviceId, metric, ts, value FROM readings
       WHERE ts >= ? AND ts < ? ${filter} ORDER BY ${orderBy}`,
    )
    for (const row of statement.iterate(Math.floor(range.from), Math.ceil(range.to), ...ids)) {
      yield row as unknown as ReadingPoint
    }
  }

  close(): void {
    this.db.close()
  }
}

/** Device display names from `devices.json` (custom name, else reported name); empty if absent. */
export function readDeviceNames(dataDir: string): Map<string, string> {
  const names = new Map<string, string>()
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(join(dataDir, 'devices.json'), 'utf8'))
  } catch {
    return names
  }
  const devices = (raw as { data?: { devices?: unknown } })?.data?.devices
  if (!Array.isArray(devices)) return names
  for (const device of devices as Array<Record<string, unknown>>) {
    const id = device.id
    const name = device.customName ?? device.reportedName
    if (typeof id === 'string' && typeof name === 'string') names.set(id, name)
  }
  return names
}
