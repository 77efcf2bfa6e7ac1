import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { DeviceFile } from './file-uploader'

/**
 * What in a firmware folder is not for the board: examples, docs, tests, caches, and
 * the per-board files the installer writes itself (config.json, secrets.py, ca.pem), so
 * a developer's local secrets.py can never be copied onto someone's board.
 */
const SKIP_NAMES = [
  /\.example\./i,
  /^readme/i,
  /\.md$/i,
  /^\./,
  /^__pycache__$/,
  /\.pyc$/,
  /^tests?$/i,
  /^test_.*\.py$/i,
  /_test\.py$/i,
  /^(config\.json|secrets\.py|ca\.pem)$/,
]

export function isFirmwareFile(relativePath: string): boolean {
  return !relativePath.split(/[\\/]/).some((part) => SKIP_NAMES.some((re) => re.test(part)))
}

/**
 * The firmware files to copy, as board paths. Order matters when a transfer breaks off:
 * libraries first, then boot.py, and main.py last, so a board never boots a new main.py
 * that imports modules that have not arrived yet.
 */
export async function collectFirmwareFiles(dir: string): Promise<DeviceFile[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files: DeviceFile[] = []
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    const rel = relative(dir, full)
    if (!isFirmwareFile(rel)) continue
    files.push({ path: `/${rel.split(sep).join('/')}`, data: await readFile(full) })
  }
  const rank = (path: string): number => (path === '/main.py' ? 2 : path === '/boot.py' ? 1 : 0)
  return files.sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path))
}
