import { existsSync, renameSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { migrateV1ToV2 } from './readings-migrate-v1'

/** Bumped when the schema changes; `migrations[v]` upgrades a v database to v + 1. */
export const READINGS_SCHEMA_VERSION = 2

/**
 * Schema 1 (one row per reading), kept verbatim as the first rung of the ladder: a fresh
 * file climbs through it like an old one, so the v1 → v2 conversion is exercised on every
 * start-up instead of only on users' upgraded machines.
 */
export const V1_DDL = `
  CREATE TABLE readings (
    device TEXT NOT NULL,
    metric TEXT NOT NULL,
    ts     INTEGER NOT NULL,  -- epoch ms
    value  REAL NOT NULL,
    seq    INTEGER            -- device message sequence, when it sends one
  );
  CREATE INDEX readings_series ON readings (device, metric, ts);
  CREATE UNIQUE INDEX readings_redelivery ON readings (device, metric, ts, seq) WHERE seq IS NOT NULL;
  CREATE TABLE latest (
    device TEXT NOT NULL,
    metric TEXT NOT NULL,
    ts     INTEGER NOT NULL,
    value  REAL NOT NULL,
    PRIMARY KEY (device, metric)
  ) WITHOUT ROWID;
`

/** Rollup tables share one shape: min/max/sum/count of a series over [bucket, bucket + tier). */
const rollupTable = (name: string): string => `
  CREATE TABLE ${name} (
    series INTEGER NOT NULL,
    bucket INTEGER NOT NULL,  -- bucket start, epoch ms, a multiple of the tier
    vmin   REAL NOT NULL,
    vmax   REAL NOT NULL,
    vsum   REAL NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (series, bucket)
  ) WITHOUT ROWID;`

/** Schema 2: one row per message, integer ids for names, rollup tiers, latest per series. */
export const V2_DDL = `
  CREATE TABLE devices (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  CREATE TABLE metrics (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
  CREATE TABLE series (
    id     INTEGER PRIMARY KEY,
    device INTEGER NOT NULL,
    metric INTEGER NOT NULL,
    UNIQUE (device, metric)
  );
  -- AUTOINCREMENT: ids never go back after deletes, so "every row past the watermark" is
  -- exactly the rows whose rollup deltas were not merged yet.
  CREATE TABLE samples (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    device INTEGER NOT NULL,
    ts     INTEGER NOT NULL,  -- epoch ms
    seq    INTEGER,           -- device message sequence, when it sends one
    data   BLOB NOT NULL      -- (uint32 metric id, float64 value) pairs, little-endian
  );
  -- One index does both jobs: range scans walk (device, ts), and a QoS 1 redelivery (same
  -- device, ts and seq) conflicts on it, while rows without seq never do (NULLs are distinct).
  CREATE UNIQUE INDEX samples_device_ts ON samples (device, ts, seq);
  ${rollupTable('rollup_1m')}
  ${rollupTable('rollup_1h')}
  CREATE TABLE latest (series INTEGER PRIMARY KEY, ts INTEGER NOT NULL, value REAL NOT NULL);
  -- 'rollup_watermark': the last samples.id whose readings are merged into the rollups.
  CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
`

const migrations: Record<number, (db: DatabaseSync) => void> = {
  0: (db) => db.exec(V1_DDL),
  1: (db) => migrateV1ToV2(db, V2_DDL),
}

/** The schema version stored in the file (0 for a new, empty file). */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined
  return Number(row?.user_version ?? 0)
}

/**
 * Opens the readings database with WAL (readers never block the writer) and
 * synchronous=NORMAL (with WAL: durable across app crashes, may lose the last
 * transaction on power loss, which for sensor readings is the right trade), then
 * applies pending migrations, each in one transaction. Throws when the file is not a
 * SQLite database or was written by a newer app. A short busy timeout: a locked database
 * blocks the one thread everything runs on; the writer retries later instead (ReadingsWriter).
 */
export function openReadingsDb(file: string): DatabaseSync {
  const db = new DatabaseSync(file)
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 250;')
    let version = schemaVersion(db)
    if (version > READINGS_SCHEMA_VERSION) {
      throw new Error(`was written by a newer version of the app (schema ${version})`)
    }
    while (version < READINGS_SCHEMA_VERSION) {
      const step = migrations[version]
      if (step === undefined) throw new Error(`has schema ${version} and no upgrade path exists`)
      inTransaction(db, () => {
        step(db)
        db.exec(`PRAGMA user_version = ${version + 1}`)
      })
      version++
    }
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

/**
 * Opens (or creates) the database; a file SQLite cannot read (or a failed upgrade) is moved to
 * `<file>.corrupt-<now>` with its WAL and a new database is started. Returns the warning to
 * show the user when that happened.
 */
export function openOrSetAside(file: string, now: number): { db: DatabaseSync; warning?: string } {
  try {
    return { db: openReadingsDb(file) }
  } catch (error) {
    if (!existsSync(file)) throw error
    const aside = `${file}.corrupt-${now}`
    renameSync(file, aside)
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix)
    }
    const reason = error instanceof Error ? error.message : String(error)
    const warning = `${file} could not be opened (${reason}); it was moved to ${aside} and a new database was started.`
    return { db: openReadingsDb(file), warning }
  }
}

/** Runs `body` in one transaction: committed if it returns, rolled back if it throws. */
export function inTransaction(db: DatabaseSync, body: () => void): void {
  db.exec('BEGIN')
  try {
    body()
    db.exec('COMMIT')
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK')
    throw error
  }
}
