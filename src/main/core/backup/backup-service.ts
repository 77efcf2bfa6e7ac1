import { readdirSync, statSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import {
  BackupName,
  type BackupFile,
  type BackupSummary,
  type SecurityChange,
} from '../../../shared/contract/backup'
import { ApiError } from '../../../shared/errors'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { createArchive } from './create-archive'
import { DEFAULT_DATA_DIRS } from './data-files'
import { sha256File, type Manifest } from './manifest'
import { stageRestore } from './restore'
import { securityChanges } from './security-changes'
import { extractAndVerify } from './verify-archive'

export interface BackupServiceOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  appVersion: string
  /** Folders of the data folder that hold state (broker persistence, TLS material, …). */
  dirs?: readonly string[]
  /** Runs before the snapshot: write out buffers (readings, registry) so the backup has them. */
  beforeSnapshot?: () => Promise<void> | void
}

function summary(
  path: string,
  bytes: number,
  sha256: string,
  manifest: Manifest,
  changes: SecurityChange[],
): BackupSummary {
  return {
    path,
    bytes,
    sha256,
    createdAt: manifest.createdAt,
    appVersion: manifest.appVersion,
    files: manifest.files.map((f) => ({ path: f.path, bytes: f.bytes })),
    securityChanges: changes,
  }
}

/** A restore either staged, or held back until its security changes are confirmed. */
export interface RestoreOutcome {
  staged: boolean
  backup: BackupSummary
}

/** Backups of the data folder into one archive, and restores from one (applied at the next start). */
export class BackupService {
  readonly backupsDir: string

  constructor(private readonly options: BackupServiceOptions) {
    this.backupsDir = join(options.dataDir, 'backups')
  }

  /** `backup-2026-11-27T10-00-00Z.tar.gz` */
  defaultName(): string {
    const stamp = new Date(this.options.clock.now()).toISOString().slice(0, 19).replace(/:/g, '-')
    return `backup-${stamp}Z.tar.gz`
  }

  pathOf(name: string): string {
    return join(this.backupsDir, name)
  }

  async create(target: string = this.pathOf(this.defaultName())): Promise<BackupSummary> {
    await this.options.beforeSnapshot?.()
    const { manifest, bytes } = await createArchive({
      dataDir: this.options.dataDir,
      target,
      appVersion: this.options.appVersion,
      now: this.options.clock.now(),
      dirs: this.options.dirs ?? DEFAULT_DATA_DIRS,
    })
    this.options.logger.info('backup written', {
      path: target,
      files: manifest.files.length,
      bytes,
    })
    return summary(target, bytes, await sha256File(target), manifest, [])
  }

  list(): BackupFile[] {
    let names: string[]
    try {
      names = readdirSync(this.backupsDir).filter((n) => n.endsWith('.tar.gz'))
    } catch {
      return []
    }
    return names
      .map((name) => {
        const s = statSync(this.pathOf(name))
        return { name, path: this.pathOf(name), bytes: s.size, modifiedAt: s.mtimeMs }
      })
      .sort((a, b) => b.modifiedAt - a.modifiedAt)
  }

  /**
   * Full verification in a temp folder, and what restoring the archive would change in
   * security settings compared with the data folder now; the archive is not used.
   */
  async inspect(path: string): Promise<BackupSummary> {
    const dir = await mkdtemp(join(tmpdir(), 'iotcc-inspect-'))
    try {
      const sha256 = await archiveHash(path)
      const manifest = await extractAndVerify(path, dir)
      const changes = await securityChanges(this.options.dataDir, join(dir, 'data'))
      await sameArchive(path, sha256)
      return summary(path, statSync(path).size, sha256, manifest, changes)
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    }
  }

  /**
   * Verifies and stages; the data folder is replaced when the app next starts. If the
   * restore changes security settings it is staged only when `confirm` is the archive's
   * SHA-256 (from a preview the person accepted); otherwise nothing is staged and the
   * changes are returned for the person to see.
   */
  async restore(path: string, confirm?: string): Promise<RestoreOutcome> {
    const sha256 = await archiveHash(path)
    let changes: SecurityChange[] = []
    const { manifest, staged } = await stageRestore(this.options.dataDir, path, async (data) => {
      changes = await securityChanges(this.options.dataDir, data)
      await sameArchive(path, sha256)
      return changes.length === 0 || confirm === sha256
    })
    const backup = summary(path, statSync(path).size, sha256, manifest, changes)
    if (staged) {
      this.options.logger.info('restore staged; applied at the next start', {
        path,
        securityChanges: changes.map((c) => c.text),
      })
    }
    return { staged, backup }
  }

  /**
   * Copies an archive picked in a dialog into `backups/` (unless it is there already), so a
   * confirmation can name it. Returns its name there.
   */
  async adopt(path: string): Promise<string> {
    if (dirname(path) === this.backupsDir && BackupName.safeParse(basename(path)).success)
      return basename(path)
    const name = `imported-${(await archiveHash(path)).slice(0, 12)}.tar.gz`
    await mkdir(this.backupsDir, { recursive: true })
    await copyFile(path, this.pathOf(name))
    return name
  }

  async delete(name: string): Promise<void> {
    const path = this.pathOf(name)
    try {
      statSync(path)
    } catch {
      throw new ApiError('NOT_FOUND', `No backup named "${name}".`)
    }
    await rm(path)
  }
}

async function archiveHash(path: string): Promise<string> {
  try {
    return await sha256File(path)
  } catch {
    throw new ApiError(
      'BAD_INPUT',
      'This backup cannot be restored: the file does not exist. Nothing was changed.',
    )
  }
}

/** What was checked must be what is restored: refuse an archive replaced while it was read. */
async function sameArchive(path: string, sha256: string): Promise<void> {
  if ((await archiveHash(path)) !== sha256) {
    throw new ApiError(
      'BAD_INPUT',
      'This backup cannot be restored: the file changed while it was being checked. Nothing was changed.',
    )
  }
}
