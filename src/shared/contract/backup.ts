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

export const BackupSummary = z.object({
  path: z.string(),
  bytes: z.number().int(),
  createdAt: z.number().describe('epoch ms, from the manifest'),
  appVersion: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int() })),
})
export type BackupSummary = z.infer<typeof BackupSummary>

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
  /** Checks an archive completely (manifest, sizes, SHA-256, SQLite integrity); BAD_INPUT if damaged. */
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
   */
  'backup.restore': method(
    z.object({ name: BackupName.optional(), ask: z.boolean().default(false) }).strict(),
    z.object({ restartRequired: z.literal(true), backup: BackupSummary }).nullable(),
    'Restore the data folder from an archive (applied at the next start).',
  ),
  'backup.delete': method(
    z.object({ name: BackupName }).strict(),
    Ok,
    'Delete an archive in backups/.',
  ),
}

export const backupEvents = {}
