import { readFile } from 'node:fs/promises'
import { DatabaseSync } from 'node:sqlite'
import type { z } from 'zod'
import { RULES_DOCUMENT } from '../alerts/rule-store'
import { parseJsonDocument, type JsonDocument } from '../base/json-store'
import { CredentialFile } from '../broker/credential-store'
import { REGISTRY_VERSION, RegistryFile } from '../devices/device-record'
import { MAPPINGS_DOCUMENT } from '../ingest/topic-mappings'
import { INTEGRATIONS_DOCUMENT } from '../integrations/integrations-store'
import { CONNECTIONS_DOCUMENT } from '../mqtt/connection-store'
import { SECRETS_DOCUMENTS } from '../base/secret-box'
import { READINGS_SCHEMA_VERSION } from '../readings/readings-schema'
import { SETTINGS_DOCUMENT } from '../settings/settings-store'
import { DEFAULT_DATA_DIRS } from './data-files'

/** `devices.json`: schema and version from the registry's own module. */
export const REGISTRY_DOCUMENT: JsonDocument<typeof RegistryFile> = {
  name: 'devices.json',
  schema: RegistryFile,
  version: REGISTRY_VERSION,
}

/** `broker-credentials.json` (format 1; the store has no migrations). */
export const CREDENTIALS_DOCUMENT: JsonDocument<typeof CredentialFile> = {
  name: 'broker-credentials.json',
  schema: CredentialFile,
  version: 1,
}

/**
 * Every JSON document the app keeps at the top of its data folder, by file name. A new
 * JsonStore must be added here, or backups holding its file are refused (and a test that
 * backs up a running app's folder fails).
 */
export const JSON_DOCUMENTS: ReadonlyMap<string, JsonDocument<z.ZodType>> = new Map(
  [
    SETTINGS_DOCUMENT,
    REGISTRY_DOCUMENT,
    RULES_DOCUMENT,
    INTEGRATIONS_DOCUMENT,
    CONNECTIONS_DOCUMENT,
    CREDENTIALS_DOCUMENT,
    MAPPINGS_DOCUMENT,
    ...SECRETS_DOCUMENTS,
  ].map((doc) => [doc.name, doc as JsonDocument<z.ZodType>]),
)

/**
 * SQLite databases by file name, with the newest `PRAGMA user_version` the app can open
 * (null: the store keeps no version, `CREATE TABLE IF NOT EXISTS` adapts any file).
 */
const SQLITE_FILES: ReadonlyMap<string, number | null> = new Map([
  ['readings.sqlite', READINGS_SCHEMA_VERSION],
  ['alerts.sqlite', null],
  ['broker-sessions.db', null],
])

/**
 * Why the store that owns `rel` would not accept the file at `path` as it is, or null when
 * it would: JSON documents are parsed with their store's schema and upgrades, SQLite files
 * opened read-only for `integrity_check` and their schema version, files inside the known
 * folders (`influx-queue/`, `webhook-queue/`, `broker-tls/`) taken as they are. The reason completes
 * "<rel> …".
 */
export async function stateFileProblem(path: string, rel: string): Promise<string | null> {
  const [top = ''] = rel.split('/')
  if (rel.includes('/')) return DEFAULT_DATA_DIRS.includes(top) ? null : notOurs
  const doc = JSON_DOCUMENTS.get(rel)
  if (doc) {
    try {
      parseJsonDocument(await readFile(path, 'utf8'), doc)
      return null
    } catch (error) {
      return (error as Error).message
    }
  }
  if (SQLITE_FILES.has(rel)) return sqliteProblem(path, SQLITE_FILES.get(rel) ?? null)
  return notOurs
}

const notOurs = 'is not a file this app keeps'

function sqliteProblem(path: string, newest: number | null): string | null {
  let db: DatabaseSync
  try {
    db = new DatabaseSync(path, { readOnly: true })
  } catch (error) {
    return `is not a usable database (${(error as Error).message})`
  }
  try {
    const first = (sql: string): unknown => {
      const row = db.prepare(sql).get() as Record<string, unknown> | undefined
      return row ? Object.values(row)[0] : undefined
    }
    const result = String(first('PRAGMA integrity_check') ?? 'no answer')
    if (result !== 'ok') return `failed its integrity check (${result})`
    const version = Number(first('PRAGMA user_version') ?? 0)
    if (newest !== null && version > newest)
      return `was written by a newer version of the app (schema ${version})`
    return null
  } catch (error) {
    return `is not a usable database (${(error as Error).message})`
  } finally {
    db.close()
  }
}
