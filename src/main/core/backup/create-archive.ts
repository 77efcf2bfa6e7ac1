import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import * as tar from 'tar'
import { isSqlite, listStateFiles } from './data-files'
import { BACKUP_FORMAT, BACKUP_VERSION, sha256File, type Manifest } from './manifest'

/**
 * A consistent copy of a live SQLite database: `VACUUM INTO` runs in one read transaction,
 * so the copy is the database as of one instant, whatever the app writes meanwhile (WAL
 * lets it keep writing). Copying the file itself could catch a half-written page or miss
 * the part still in the -wal file. (SQLite docs, "VACUUM INTO".)
 */
export function snapshotSqlite(source: string, target: string): void {
  const db = new DatabaseSync(source, { readOnly: true })
  try {
    db.exec(`VACUUM INTO '${target.replace(/'/g, "''")}'`)
  } finally {
    db.close()
  }
}

export interface CreatedArchive {
  manifest: Manifest
  bytes: number
}

/**
 * Writes `<target>`: a gzip'd tar with `manifest.json` first, then `data/<path>` for every
 * state file. Built in a temp folder and renamed into place, so a failure leaves no
 * half-written archive behind.
 */
export async function createArchive(options: {
  dataDir: string
  target: string
  appVersion: string
  now: number
  dirs?: readonly string[]
}): Promise<CreatedArchive> {
  const staging = await mkdtemp(join(tmpdir(), 'iotcc-backup-'))
  const partial = `${options.target}.part`
  try {
    const files: Manifest['files'] = []
    for (const rel of listStateFiles(options.dataDir, options.dirs)) {
      const from = join(options.dataDir, rel)
      const to = join(staging, 'data', rel)
      await mkdir(dirname(to), { recursive: true })
      if (isSqlite(rel)) snapshotSqlite(from, to)
      else await copyFile(from, to)
      files.push({ path: rel, bytes: (await stat(to)).size, sha256: await sha256File(to) })
    }
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      appVersion: options.appVersion,
      createdAt: options.now,
      files,
    }
    await writeFile(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    await mkdir(join(staging, 'data'), { recursive: true })
    await mkdir(dirname(options.target), { recursive: true })
    await tar.c({ gzip: true, file: partial, cwd: staging, portable: true }, [
      'manifest.json',
      'data',
    ])
    await rename(partial, options.target)
    return { manifest, bytes: (await stat(options.target)).size }
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}
