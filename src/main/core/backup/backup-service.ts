import { readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BackupFile, BackupSummary } from '../../../shared/contract/backup'
import { ApiError } from '../../../shared/errors'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { createArchive } from './create-archive'
import { DEFAULT_DATA_DIRS } from './data-files'
import type { Manifest } from './manifest'
import { stageRestore } from './restore'
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

function summary(path: string, bytes: number, manifest: Manifest): BackupSummary {
  return {
    path,
    bytes,
    createdAt: manifest.createdAt,
    appVersion: manifest.appVersion,
    files: manifest.files.map((f) => ({ path: f.path, bytes: f.bytes })),
  }
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
    return summary(target, bytes, manifest)
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

  /** Full verification in a temp folder; the archive is not used. */
  async inspect(path: string): Promise<BackupSummary> {
    const dir = await mkdtemp(join(tmpdir(), 'iotcc-inspect-'))
    try {
      const manifest = await extractAndVerify(path, dir)
      return summary(path, statSync(path).size, manifest)
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    }
  }

  /** Verifies and stages; the data folder is replaced when the app next starts. */
  async restore(path: string): Promise<BackupSummary> {
    const manifest = await stageRestore(this.options.dataDir, path)
    this.options.logger.info('restore staged; applied at the next start', { path })
    return summary(path, statSync(path).size, manifest)
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
