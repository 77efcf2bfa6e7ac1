import type { DatabaseSync } from 'node:sqlite'
import { RollupAccumulator } from './rollup-accumulator'
import { SampleEncoder } from './sample-codec'
import { SeriesDictionary } from './series-dictionary'

/** Rollup slots held in memory before they are merged, so a big file converts in bounded memory. */
const MERGE_EVERY_SLOTS = 100_000

/**
 * Schema 1 → 2, inside the ladder's transaction: v1 rows (one per reading) become one
 * `samples` row per message, i.e. per (device, ts, seq), rollups are built from them, and
 * v1's `latest` is carried over. Readings of one device at one ts without seq are one row
 * unless a metric repeats (two messages at the same millisecond), then they split.
 */
export function migrateV1ToV2(db: DatabaseSync, v2Ddl: string): void {
  db.exec('ALTER TABLE readings RENAME TO readings_v1; ALTER TABLE latest RENAME TO latest_v1;')
  db.exec(v2Ddl)
  const dictionary = new SeriesDictionary(db)
  const rollups = new RollupAccumulator(db)
  const encoder = new SampleEncoder()
  const insert = db.prepare('INSERT INTO samples (device, ts, seq, data) VALUES (?, ?, ?, ?)')

  let metrics = new Int32Array(64)
  let values = new Float64Array(64)
  let pairs = 0
  let device = -1
  let ts = 0
  let seq: number | null = null
  const writeMessage = (): void => {
    if (pairs === 0) return
    insert.run(device, ts, seq, encoder.encode(metrics, values, 0, pairs))
    pairs = 0
    if (rollups.size >= MERGE_EVERY_SLOTS) rollups.merge()
  }

  // Sorting the whole table is a one-time cost; the order groups each message's readings.
  const rows = db.prepare(
    'SELECT device, ts, seq, metric, value FROM readings_v1 ORDER BY device, ts, seq, metric',
  )
  rows.setReturnArrays(true)
  for (const row of rows.iterate() as Iterable<unknown[]>) {
    const rowDevice = dictionary.device(String(row[0]))
    const rowTs = Number(row[1])
    const rowSeq = row[2] === null ? null : Number(row[2])
    const metric = dictionary.metric(String(row[3]))
    const value = Number(row[4])
    const sameMessage =
      pairs > 0 &&
      rowDevice === device &&
      rowTs === ts &&
      rowSeq === seq &&
      metrics[pairs - 1] !== metric
    if (!sameMessage) {
      writeMessage()
      device = rowDevice
      ts = rowTs
      seq = rowSeq
    }
    if (pairs === metrics.length) {
      metrics = Int32Array.from({ length: pairs * 2 }, (_, i) => metrics[i] ?? 0)
      values = Float64Array.from({ length: pairs * 2 }, (_, i) => values[i] ?? 0)
    }
    metrics[pairs] = metric
    values[pairs++] = value
    rollups.add(dictionary.series(rowDevice, metric), rowTs, value)
  }
  writeMessage()
  rollups.merge()

  const latest = db.prepare('INSERT INTO latest (series, ts, value) VALUES (?, ?, ?)')
  for (const row of db.prepare('SELECT device, metric, ts, value FROM latest_v1').all()) {
    const series = dictionary.series(
      dictionary.device(String(row.device)),
      dictionary.metric(String(row.metric)),
    )
    latest.run(series, Number(row.ts), Number(row.value))
  }
  dictionary.persist()
  dictionary.committed() // the ladder commits (or rolls back the whole file) right after
  db.exec(`INSERT INTO meta (key, value)
           SELECT 'rollup_watermark', coalesce(max(id), 0) FROM samples`)
  db.exec('DROP TABLE readings_v1; DROP TABLE latest_v1;')
}
