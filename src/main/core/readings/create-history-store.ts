import type { Settings } from '../../../shared/contract/settings'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import type { FetchLike } from '../influx/influx-client'
import type { SecretCodec } from '../base/secret-box'
import { readSavedInflux } from '../integrations/integrations-store'
import { resolveHistoryChoice, type HistoryChoice, type HistoryOverrides } from './history-choice'
import type { HistoryStore } from './history-store'
import { InfluxHistory } from './influx-history/influx-history'
import { ReadingsStore } from './readings-store'
import { SqliteHistory } from './sqlite-history'

export interface CreateHistoryOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  /** The settings now (history.store picks the store; storage.* is SQLite's retention). */
  settings: () => Settings
  /** `serve` flags / environment; they win over the settings. */
  overrides?: HistoryOverrides
  /**
   * The SQLite store when the caller has one open already (create-core does): used as is and
   * left open on close. Without it, a SQLite choice opens `<dataDir>/readings.sqlite` and
   * closes it with the history store.
   */
  sqlite?: ReadingsStore
  fetch?: FetchLike
  /** Opens the saved InfluxDB password/token (the desktop app's OS keychain); default plain. */
  secrets?: SecretCodec
}

/**
 * The history store the settings (and overrides) choose: SQLite by default, or InfluxDB 1.x
 * or 2.x with the connection saved under Integrations. Incomplete InfluxDB settings throw a
 * readable Error when the overrides asked for InfluxDB; when only the saved settings did and
 * `sqlite` is given, SQLite is used with a warning.
 */
export function createHistoryStore(options: CreateHistoryOptions): HistoryStore {
  let choice: HistoryChoice
  try {
    choice = resolveHistoryChoice(
      options.settings(),
      readSavedInflux(options.dataDir, options.secrets),
      options.overrides,
    )
  } catch (error) {
    // Asked for on the command line: fail loudly. From saved settings: keep the app usable.
    if (options.overrides?.store !== undefined || !options.sqlite) throw error
    const warning = `History stays in SQLite: ${(error as Error).message}`
    options.logger.warn(warning)
    return new SqliteHistory(options.sqlite, false, [warning])
  }
  return openHistoryStore(choice, options)
}

/** Opens the store a HistoryChoice names (when the caller resolved the choice itself). */
export function openHistoryStore(
  choice: HistoryChoice,
  options: Omit<CreateHistoryOptions, 'overrides'>,
): HistoryStore {
  if (choice.kind === 'influx') {
    const { target } = choice
    options.logger.info('readings history is stored in InfluxDB', {
      version: target.version,
      // Host only: a URL may carry user:password@.
      host: hostOf(target.url),
      database: target.version === '1' ? target.database : target.bucket,
      measurement: target.measurement,
    })
    return new InfluxHistory({
      dataDir: options.dataDir,
      clock: options.clock,
      logger: options.logger,
      target,
      fetch: options.fetch,
    })
  }
  if (options.sqlite) return new SqliteHistory(options.sqlite)
  const storage = (): Settings['storage'] => options.settings().storage
  const store = new ReadingsStore({
    dataDir: options.dataDir,
    clock: options.clock,
    logger: options.logger,
    retentionDays: () => storage().retentionDays,
    minuteRetentionDays: () => storage().minuteRetentionDays,
    hourRetentionDays: () => storage().hourRetentionDays,
  })
  return new SqliteHistory(store, true)
}

function hostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return '(invalid URL)'
  }
}
