import { DatabaseSync } from 'node:sqlite'

/** Bumped when the schema changes; `migrations[v]` upgrades a v database to v + 1. */
export const READINGS_SCHEMA_VERSION = 1

const migrations: Record<number, string> = {
  0: `
    CREATE TABLE readings (
      device TEXT NOT NULL,
      metric TEXT NOT NULL,
      ts     INTEGER NOT NULL,  -- epoch ms
      value  REAL NOT NULL,
      seq    INTEGER            -- device message sequence, when it sends one
    );
    -- Range queries, downsampling and per-series retention all walk this index.
    CREATE INDEX readings_series ON readings (device, metric, ts);
    -- A QoS 1 redelivery repeats device, ts and seq: INSERT OR IGNORE drops it here.
    CREATE UNIQUE INDEX readings_redelivery ON readings (device, metric, ts, seq) WHERE seq IS NOT NULL;
    -- The newest value per series, kept on insert so "latest" never scans readings.
    CREATE TABLE latest (
      device TEXT NOT NULL,
      metric TEXT NOT NULL,
      ts     INTEGER NOT NULL,
      value  REAL NOT NULL,
      PRIMARY KEY (device, metric)
    ) WITHOUT ROWID;
  `,
}

/**
 * Opens the readings database with WAL (readers never block the writer) and
 * synchronous=NORMAL (with WAL: durable across app crashes, may lose the last
 * transaction on power loss, which for sensor readings is the right trade), then
 * applies pending migrations. Throws when the file is not a SQLite database.
 */
export function openReadingsDb(file: string): DatabaseSync {
  const db = new DatabaseSync(file)
  try {
    db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 2000;')
    const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined
    let version = Number(row?.user_version ?? 0)
    if (version > READINGS_SCHEMA_VERSION) {
      throw new Error(`was written by a newer version of the app (schema ${version})`)
    }
    while (version < READINGS_SCHEMA_VERSION) {
      const step = migrations[version]
      if (step === undefined) throw new Error(`has schema ${version} and no upgrade path exists`)
      db.exec('BEGIN')
      db.exec(step)
      db.exec(`PRAGMA user_version = ${version + 1}`)
      db.exec('COMMIT')
      version++
    }
    return db
  } catch (error) {
    db.close()
    throw error
  }
}
