import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** Folders inside the data folder that belong to the app's state (others are ignored). */
export const DEFAULT_DATA_DIRS = ['influx-queue', 'webhook-queue', 'broker-tls']

/**
 * Top-level entries that are the app's state: JSON documents (settings, registry, alert
 * rules, integrations, broker credentials), SQLite databases (`.sqlite`, `.db`: readings,
 * alert log, broker sessions and retained messages), and the known folders. Never:
 * SQLite side files (-wal/-shm/-journal: the snapshot already contains their content),
 * temp/partial files, set-aside corrupt files, backups themselves, and whatever else
 * shares the folder (Electron's userData also holds Chromium's caches).
 */
export function isStateEntry(name: string, isDir: boolean, dirs: readonly string[]): boolean {
  if (isDir) return dirs.includes(name)
  if (/\.corrupt-\d+/.test(name) || /\.(tmp|part)$/.test(name)) return false
  return /\.(json|sqlite|db)$/.test(name)
}

export function isSqlite(name: string): boolean {
  return /\.(sqlite|db)$/.test(name)
}

/** Relative paths of the state files in `dataDir` (folders walked recursively), sorted. */
export function listStateFiles(
  dataDir: string,
  dirs: readonly string[] = DEFAULT_DATA_DIRS,
): string[] {
  const out: string[] = []
  if (!existsSync(dataDir)) return out
  const walk = (rel: string): void => {
    for (const entry of readdirSync(join(dataDir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) walk(path)
      else if (entry.isFile() && !/\.(tmp|part)$/.test(entry.name)) out.push(path)
    }
  }
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (entry.isSymbolicLink()) continue
    const isDir = entry.isDirectory()
    if (!isStateEntry(entry.name, isDir, dirs)) continue
    if (isDir) walk(entry.name)
    else if (statSync(join(dataDir, entry.name)).isFile()) out.push(entry.name)
  }
  return out.sort()
}

/** Top-level names `applyPendingRestore` moves aside: the state entries plus SQLite side files. */
export function stateTopLevel(
  dataDir: string,
  dirs: readonly string[] = DEFAULT_DATA_DIRS,
): string[] {
  if (!existsSync(dataDir)) return []
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => {
      if (e.isSymbolicLink()) return false
      if (isStateEntry(e.name, e.isDirectory(), dirs)) return true
      return e.isFile() && /\.(sqlite|db)-(wal|shm|journal)$/.test(e.name)
    })
    .map((e) => e.name)
}
