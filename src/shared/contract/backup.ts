import { z } from 'zod'
import { method, NoParams, Ok } from './define'

/** A file name in the data folder's `backups/` (web mode can only name these). */
export const BackupName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.tar\.gz$/, 'a backup file name (….tar.gz)')

export const BackupFile = z.object({
  name: z.string(),
  path: z.string(),
  bytes: z.number().int(),
  /** epoch ms, from the file's modification time */
  modifiedAt: z.number(),
})
export type BackupFile = z.infer<typeof BackupFile>

/**
 * One thing a restore would change in who can reach the app and how, compared with the data
 * folder as it is now. An archive's SHA-256 manifest proves it is intact, not who made it:
 * anyone can edit a file and recompute the sums, so these are shown and confirmed.
 */
export const SecurityChange = z.object({
  area: z.enum([
    /** Anonymous MQTT from this computer (`broker.allowAnonymousLoopback`). */
    'anonymous',
    /** Embedded broker on/off, bind address, MQTT and WebSocket ports. */
    'listeners',
    /** TLS listener on/off and port, the broker's CA and server key files. */
    'tls',
    /** Device logins on the embedded broker added, removed or given another password. */
    'logins',
    /** External MQTT brokers the app connects to. */
    'connections',
    /** Where readings are forwarded (InfluxDB). */
    'forwarding',
  ]),
  /** One line for the person, e.g. "Anonymous MQTT access from this computer: off → on". */
  text: z.string(),
  /** True when the change opens something up: more reachable, less protected, data sent out. */
  opens: z.boolean(),
})
export type SecurityChange = z.infer<typeof SecurityChange>

export const BackupSummary = z.object({
  path: z.string(),
  bytes: z.number().int(),
  /** SHA-256 of the archive file; `backup.restore` takes it as `confirm`. */
  sha256: z.string(),
  createdAt: z.number().describe('epoch ms, from the manifest'),
  appVersion: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int() })),
  /** What restoring it would change in security settings now (empty for `backup.create`). */
  securityChanges: z.array(SecurityChange),
})
export type BackupSummary = z.infer<typeof BackupSummary>

/** `backup.restore`'s answer: staged (restart to finish), or waiting for a confirmation. */
export const RestoreResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('staged'),
    restartRequired: z.literal(true),
    backup: BackupSummary,
  }),
  z.object({
    /** Nothing was staged: show `backup.securityChanges`, then call again with `confirm`. */
    status: z.literal('confirm'),
    /** The archive's name in `backups/` to confirm with (a file picked in a dialog is copied there). */
    name: z.string(),
    backup: BackupSummary,
  }),
])
export type RestoreResult = z.infer<typeof RestoreResult>

/*
 * No method takes a file path: archives are named inside `backups/`, and anything
 * elsewhere is picked by the person in the desktop app's dialogs (`ask`). So neither a
 * web client nor a misbehaving renderer can make the core read or write arbitrary files.
 */

export const backupMethods = {
  /**
   * Snapshots settings, device registry, alert rules and log, readings (consistent SQLite
   * snapshot) and broker state into one `.tar.gz` with a SHA-256 manifest, in `backups/`
   * of the data folder; in the desktop app `ask: true` opens the save dialog instead
   * (null = cancelled).
   */
  'backup.create': method(
    z.object({ ask: z.boolean().default(false) }).strict(),
    BackupSummary.nullable(),
    'Back up the data folder into one archive.',
  ),
  'backup.list': method(NoParams, z.array(BackupFile), 'Archives in the data folder’s backups/.'),
  /**
   * Checks an archive completely (manifest, sizes, SHA-256, every file against its store's
   * schema, SQLite integrity and version); BAD_INPUT if damaged. Also the restore preview:
   * `securityChanges` lists what restoring it would change in security settings.
   */
  'backup.inspect': method(
    z.object({ name: BackupName }).strict(),
    BackupSummary,
    'Verify a backup archive and describe it.',
  ),
  /**
   * Verifies the archive, then stages it; it replaces the data folder when the app next starts
   * (the current data is kept in `backups/pre-restore-<time>/`). Nothing changes if it is damaged.
   * Give `name` (in `backups/`), or in the desktop app `ask: true` for the file dialog
   * (null = cancelled).
   *
   * If restoring would change security settings (anonymous access, listeners, TLS, logins,
   * external connections, forwarding), nothing is staged and the answer is
   * `{ status: 'confirm', name, backup }`: show `backup.securityChanges`, and to go ahead call
   * again with `{ name, confirm: backup.sha256 }`. The confirmation holds only for that exact
   * archive; without security changes the restore is staged at once.
   */
  'backup.restore': method(
    z
      .object({
        name: BackupName.optional(),
        ask: z.boolean().default(false),
        /** `backup.sha256` from the preview: the person saw and accepted its security changes. */
        confirm: z
          .string()
          .regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the archive')
          .optional(),
      })
      .strict(),
    RestoreResult.nullable(),
    'Restore the data folder from an archive (applied at the next start).',
  ),
  'backup.delete': method(
    z.object({ name: BackupName }).strict(),
    Ok,
    'Delete an archive in backups/.',
  ),
}

export const backupEvents = {}
