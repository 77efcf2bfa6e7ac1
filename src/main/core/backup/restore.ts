import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../base/logger'
import { DEFAULT_DATA_DIRS, stateTopLevel } from './data-files'
import type { Manifest } from './manifest'
import { extractAndVerify } from './verify-archive'

export const PENDING_DIR = '.restore-pending'
const STAGING_DIR = '.restore-staging'
const MARKER = 'restore.json'

interface Marker {
  createdAt: number
  appVersion: string
  source: string
  /** 'staged' → current data not yet moved aside; 'swapping' → moved aside, moving data in. */
  phase: 'staged' | 'swapping'
  aside?: string
}

/**
 * Verifies `archive` completely and stages it as `<dataDir>/.restore-pending`; the running
 * app keeps its files open, so the swap happens at the next start (applyPendingRestore).
 * A damaged archive throws before anything in the data folder changes. `approve` sees the
 * verified files (`<staging>/data`) and may decline: then nothing is staged either.
 */
export async function stageRestore(
  dataDir: string,
  archive: string,
  approve: (stagedData: string, manifest: Manifest) => Promise<boolean> = async () => true,
): Promise<{ manifest: Manifest; staged: boolean }> {
  const staging = join(dataDir, STAGING_DIR)
  await rm(staging, { recursive: true, force: true })
  let staged = false
  try {
    const manifest = await extractAndVerify(archive, staging)
    if (!(await approve(join(staging, 'data'), manifest))) return { manifest, staged }
    const marker: Marker = {
      createdAt: manifest.createdAt,
      appVersion: manifest.appVersion,
      source: archive,
      phase: 'staged',
    }
    await writeFile(join(staging, MARKER), JSON.stringify(marker))
    await rm(join(dataDir, PENDING_DIR), { recursive: true, force: true })
    await rename(staging, join(dataDir, PENDING_DIR))
    staged = true
    return { manifest, staged }
  } finally {
    // A refused archive may still have writes in flight from the extractor: retry the removal.
    if (!staged) await rm(staging, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
  }
}

export function hasPendingRestore(dataDir: string): boolean {
  return existsSync(join(dataDir, PENDING_DIR, MARKER))
}

/**
 * Call before any service opens the data folder. If a restore is staged: the current state
 * moves to `backups/pre-restore-<time>/`, the backup's files move in, the staging folder
 * goes. Each step is a rename recorded in the marker, so a crash mid-way resumes on the
 * next start instead of mixing old and new files. Returns a message for the person, or null.
 */
export function applyPendingRestore(
  dataDir: string,
  logger: Logger,
  now: number,
  dirs: readonly string[] = DEFAULT_DATA_DIRS,
): string | null {
  const pending = join(dataDir, PENDING_DIR)
  const markerPath = join(pending, MARKER)
  if (!existsSync(markerPath)) {
    if (existsSync(pending)) rmSync(pending, { recursive: true, force: true })
    return null
  }
  const marker = JSON.parse(readFileSync(markerPath, 'utf8')) as Marker
  if (marker.phase === 'staged') {
    const aside = join(
      'backups',
      `pre-restore-${new Date(now).toISOString().replace(/[:.]/g, '-')}`,
    )
    mkdirSync(join(dataDir, aside), { recursive: true })
    for (const name of stateTopLevel(dataDir, dirs))
      renameSync(join(dataDir, name), join(dataDir, aside, name))
    marker.phase = 'swapping'
    marker.aside = aside
    writeFileSync(markerPath, JSON.stringify(marker))
  }
  const data = join(pending, 'data')
  if (existsSync(data)) {
    for (const name of readdirSync(data)) {
      rmSync(join(dataDir, name), { recursive: true, force: true })
      renameSync(join(data, name), join(dataDir, name))
    }
  }
  rmSync(pending, { recursive: true, force: true })
  const when = new Date(marker.createdAt).toISOString()
  const message = `Restored the backup made ${when}; the data it replaced is in ${marker.aside ?? 'backups/'}.`
  logger.info(message)
  return message
}
