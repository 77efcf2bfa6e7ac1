import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Settings } from '../../../shared/contract/settings'
import { parseJsonDocument } from '../base/json-store'
import { plainCodec, secretFileName } from '../base/secret-box'
import type { FetchLike } from '../influx/influx-client'
import { readSavedInflux } from '../integrations/integrations-store'
import { resolveHistoryChoice, type HistoryOverrides } from '../readings/history-choice'
import { InfluxExportSource } from '../readings/influx-history/influx-raw'
import { SETTINGS_DOCUMENT } from '../settings/settings-store'
import type { ReadingsCursor } from './export-service'
import { ReadonlyReadings } from './readonly-sources'

/** Where a headless export reads from, and what the person should know about it. */
export interface ExportSource {
  readings: ReadingsCursor
  /** `readings.sqlite`, or `influx <host>/<database or bucket>` (no credentials). */
  describe: string
  /** Worth telling the person (a settings file that could not be read, missing secrets). */
  notes: string[]
  close(): void
}

/**
 * The history store a data folder's settings choose (settings.history.store), opened for
 * reading only, so a tool beside a running app (CLI export) reads the same history the app's
 * own export does: readings.sqlite, or InfluxDB with the connection saved under Integrations
 * and its password/token from the secret file. Command-line tools run without Electron, so
 * only web mode's plain secret file can be opened: secrets the desktop app sealed with the OS
 * keychain are not readable here, and a note says so. `overrides` are serve's history flags
 * (a folder served with `--history influx --influx-url …`), with the same precedence. Throws
 * a readable Error when the chosen store cannot be opened.
 */
export function openExportSource(
  dataDir: string,
  overrides: HistoryOverrides = {},
  fetch?: FetchLike,
): ExportSource {
  const notes: string[] = []
  const settings = readSettings(dataDir, notes)
  const saved = readSavedInflux(dataDir, plainCodec)
  const choice = resolveHistoryChoice(settings, saved, overrides)
  if (choice.kind === 'sqlite') {
    const readings = new ReadonlyReadings(dataDir)
    return { readings, describe: 'readings.sqlite', notes, close: () => readings.close() }
  }
  const { target } = choice
  const secret = target.version === '1' ? target.password : target.token
  const sealed = join(dataDir, secretFileName('integration', 'os-keychain'))
  if (secret === null && existsSync(sealed)) {
    notes.push(
      `The InfluxDB ${target.version === '1' ? 'password' : 'token'} of this data folder is sealed ` +
        'with the desktop app’s OS keychain, which the command line cannot open; trying ' +
        'without it. Give it in $IOTCC_HISTORY_URL (http://user:password@host:8086/db) or ' +
        '$IOTCC_INFLUX_TOKEN, or export from the app.',
    )
  }
  const name = target.version === '1' ? target.database : target.bucket
  return {
    readings: new InfluxExportSource(target, fetch),
    describe: `influx ${hostOf(target.url)}/${name}`,
    notes,
    close: noop,
  }
}

function readSettings(dataDir: string, notes: string[]): Settings {
  const file = join(dataDir, SETTINGS_DOCUMENT.name)
  let raw: string
  try {
    raw = readFileSync(file, 'utf8')
  } catch {
    return Settings.parse({})
  }
  try {
    return parseJsonDocument(raw, SETTINGS_DOCUMENT).value
  } catch (error) {
    // As the app would at its next start: defaults (SQLite history), said out loud.
    notes.push(`${file} ${(error as Error).message}; using the default settings (SQLite history).`)
    return Settings.parse({})
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '(invalid URL)'
  }
}

function noop(): void {}
