import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { ReadingPoint } from '../../../shared/contract/readings'
import { iterateReadings, iterateV1Readings } from '../readings/readings-cursor'
import { schemaVersion } from '../readings/readings-schema'
import { SeriesDictionary } from '../readings/series-dictionary'
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

  /** Same order and meaning as ReadingsStore.iterate; also reads a file still at schema 1. */
  *iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
    order: 'series' | 'time' = 'time',
  ): Generator<ReadingPoint> {
    if (schemaVersion(this.db) < 2) yield* iterateV1Readings(this.db, range, deviceIds, order)
    // The dictionary is read per export: the app may have met new devices since.
    else yield* iterateReadings(this.db, new SeriesDictionary(this.db), range, deviceIds, order)
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
