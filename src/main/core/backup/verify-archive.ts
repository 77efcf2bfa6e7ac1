import { mkdir, readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import * as tar from 'tar'
import { ApiError } from '../../../shared/errors'
import { BACKUP_FORMAT, BACKUP_VERSION, Manifest, sha256File } from './manifest'
import { stateFileProblem } from './state-documents'

/** The one message a damaged archive gets, with the reason appended. */
function refuse(reason: string): never {
  throw new ApiError('BAD_INPUT', `This backup cannot be restored: ${reason}. Nothing was changed.`)
}

async function walk(root: string, rel = ''): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`
    if (entry.isDirectory()) out.push(...(await walk(root, path)))
    else out.push(path)
  }
  return out
}

/**
 * Extracts `archive` into the empty folder `into` and checks everything before anyone
 * uses it: only regular files and folders under `data/` plus `manifest.json` (no links,
 * no absolute or `..` paths), a manifest of a format we know, every file present with its
 * size and SHA-256, nothing extra, and every file one its store would accept as it is
 * (JSON: the store's schema and format version; SQLite: `integrity_check` and schema
 * version; see state-documents.ts). A SHA-256 that matches proves nothing about intent:
 * anyone can recompute it. Throws ApiError BAD_INPUT with the reason otherwise.
 */
export async function extractAndVerify(archive: string, into: string): Promise<Manifest> {
  try {
    await stat(archive)
  } catch {
    refuse('the file does not exist')
  }
  await mkdir(into, { recursive: true })
  let unsafe: string | null = null
  try {
    await tar.x({
      file: archive,
      cwd: into,
      strict: true,
      preservePaths: false,
      filter: (path, entry) => {
        const type = 'type' in entry ? entry.type : entry.isDirectory() ? 'Directory' : 'File'
        const clean = path.replace(/^\.\//, '').replace(/\/$/, '')
        const allowed =
          (type === 'File' || type === 'OldFile' || type === 'Directory') &&
          (clean === 'manifest.json' || clean === 'data' || clean.startsWith('data/')) &&
          !clean.split('/').includes('..')
        if (!allowed) unsafe ??= `${type} ${path}`
        return allowed
      },
    })
  } catch (error) {
    refuse(`it is not a readable backup archive (${(error as Error).message})`)
  }
  if (unsafe !== null) refuse(`it contains an entry that a backup never has (${unsafe})`)

  let manifest: Manifest
  try {
    const raw = JSON.parse(await readFile(join(into, 'manifest.json'), 'utf8')) as unknown
    const version = (raw as { version?: unknown })?.version
    if ((raw as { format?: unknown })?.format !== BACKUP_FORMAT)
      refuse('it is not a backup of this app')
    if (typeof version === 'number' && version > BACKUP_VERSION) {
      refuse(`it was made by a newer version of the app (backup format ${version})`)
    }
    manifest = Manifest.parse(raw)
  } catch (error) {
    if (error instanceof ApiError) throw error
    refuse('its manifest is missing or damaged')
  }

  const listed = new Set(manifest.files.map((f) => f.path))
  const present = (await walk(join(into, 'data')).catch(() => [] as string[])).sort()
  const extra = present.find((p) => !listed.has(p))
  if (extra !== undefined) refuse(`it contains a file its manifest does not list (${extra})`)
  for (const file of manifest.files) {
    const path = join(into, 'data', file.path)
    let size: number
    try {
      size = (await stat(path)).size
    } catch {
      refuse(`${file.path} is missing`)
    }
    if (size !== file.bytes)
      refuse(`${file.path} has the wrong size (${size}, expected ${file.bytes})`)
    if ((await sha256File(path)) !== file.sha256)
      refuse(`${file.path} is damaged (SHA-256 mismatch)`)
    const problem = await stateFileProblem(path, file.path)
    if (problem !== null) refuse(`${file.path} ${problem}`)
  }
  return manifest
}
