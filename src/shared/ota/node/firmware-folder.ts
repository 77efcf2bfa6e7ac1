/**
 * An update package from a firmware folder (docs/ota.md "What an update is"): `main.py` and
 * `lib/iotfw/**`, their sizes and SHA-256, the version from `lib/iotfw/__init__.py`, and the
 * data stream cut into chunks.
 */
import { randomBytes } from 'node:crypto'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  OTA_MANIFEST_VERSION,
  OTA_MAX_FILES,
  OTA_MAX_MANIFEST_BYTES,
  chunkCount,
  isAllowedOtaPath,
  isValidUpdateId,
  type Manifest,
  type ManifestFile,
} from '../protocol'
import { encodeChunk, sha256Hex, signManifest, updateTag } from './codec'

export interface FirmwareFile {
  /** Relative to the board's `/`, with `/` separators. */
  path: string
  bytes: Uint8Array
}

/** The files of one application version, in manifest order. */
export interface FirmwarePackage {
  version: string
  files: ManifestFile[]
  /** The files' bytes concatenated in manifest order. */
  stream: Buffer
}

/** `VERSION = "x.y.z"` in `lib/iotfw/__init__.py`; null when absent. */
export function parseFirmwareVersion(initPy: string): string | null {
  const m = /^VERSION\s*=\s*["']([^"'\r\n]+)["']/m.exec(initPy)
  return m ? m[1]! : null
}

/** Reads just the version of a firmware folder (cheap: one small file). */
export async function readFirmwareVersion(dir: string): Promise<string> {
  const text = await readFile(join(dir, 'lib', 'iotfw', '__init__.py'), 'utf8').catch(() => {
    throw new Error(`${dir} is not a firmware folder: lib/iotfw/__init__.py is missing`)
  })
  const version = parseFirmwareVersion(text)
  if (!version) throw new Error(`${dir}/lib/iotfw/__init__.py has no VERSION = "…" line`)
  return version
}

/**
 * Reads `main.py` and every file under `lib/iotfw/` (hidden files and `__pycache__` skipped),
 * sorted by path so the same folder always gives the same manifest.
 */
export async function readFirmwareFolder(dir: string): Promise<FirmwarePackage> {
  const version = await readFirmwareVersion(dir)
  const paths: string[] = []
  if (await isFile(join(dir, 'main.py'))) paths.push('main.py')
  await walk(dir, 'lib/iotfw', paths)
  paths.sort()
  const files: FirmwareFile[] = []
  for (const path of paths) files.push({ path, bytes: await readFile(join(dir, path)) })
  return packageFiles(version, files)
}

/**
 * A package from files in memory (tests build variants this way). Refuses what a board would
 * refuse (docs/ota.md manifest checks): a path it may not write, a path twice, no `main.py`
 * (the files are the whole application), more than OTA_MAX_FILES files.
 */
export function packageFiles(version: string, files: readonly FirmwareFile[]): FirmwarePackage {
  const seen = new Set<string>()
  for (const f of files) {
    if (!isAllowedOtaPath(f.path)) throw new Error(`${f.path}: not a path an update may write`)
    if (seen.has(f.path)) throw new Error(`${f.path} is listed twice`)
    seen.add(f.path)
  }
  if (!seen.has('main.py'))
    throw new Error('main.py is missing: an update is the whole application, it must have main.py')
  if (files.length > OTA_MAX_FILES)
    throw new Error(`${files.length} files: a board takes at most ${OTA_MAX_FILES} files`)
  const pkg: FirmwarePackage = {
    version,
    files: files.map((f) => ({ path: f.path, size: f.bytes.length, sha256: sha256Hex(f.bytes) })),
    stream: Buffer.concat(files.map((f) => f.bytes)),
  }
  // Refused here, before a job starts, rather than by the first board: the largest manifest
  // this package can make (longest update id, smallest chunk) must fit.
  buildManifest(pkg, 'u'.repeat(32), MIN_CHUNK_SIZE)
  return pkg
}

/** The manifest of one attempt at sending `pkg`. */
export function buildManifest(
  pkg: FirmwarePackage,
  update: string,
  chunk = DEFAULT_CHUNK_SIZE,
): Manifest {
  if (!isValidUpdateId(update)) throw new Error(`invalid update id: ${update}`)
  if (!Number.isInteger(chunk) || chunk < MIN_CHUNK_SIZE || chunk > MAX_CHUNK_SIZE)
    throw new Error(`chunk size must be ${MIN_CHUNK_SIZE}–${MAX_CHUNK_SIZE}`)
  const manifest: Manifest = {
    v: OTA_MANIFEST_VERSION,
    update,
    version: pkg.version,
    chunk,
    total: chunkCount(pkg.stream.length, chunk),
    files: pkg.files,
  }
  // The signed payload's size does not depend on the key: the signature is always 64 hex.
  const bytes = Buffer.byteLength(JSON.stringify(signManifest(manifest, '0'.repeat(64))))
  if (bytes > OTA_MAX_MANIFEST_BYTES)
    throw new Error(
      `the manifest is ${bytes} bytes signed; a board takes at most ${OTA_MAX_MANIFEST_BYTES}` +
        ' (8 KiB): fewer files or shorter paths',
    )
  return manifest
}

/** Chunk `n` of the manifest's data stream: stream bytes `[n*chunk, (n+1)*chunk)`. */
export function chunkData(pkg: FirmwarePackage, manifest: Manifest, n: number): Buffer {
  return pkg.stream.subarray(n * manifest.chunk, (n + 1) * manifest.chunk)
}

/** The `ota/chunk` payload of chunk `n`. */
export function chunkPayload(pkg: FirmwarePackage, manifest: Manifest, n: number): Buffer {
  return encodeChunk(updateTag(manifest.update), n, chunkData(pkg, manifest, n))
}

/** A fresh update id: `u-` and 12 random URL-safe base64 characters. */
export function newUpdateId(): string {
  return `u-${randomBytes(9).toString('base64url')}`
}

async function walk(root: string, rel: string, out: string[]): Promise<void> {
  let entries
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true })
  } catch {
    return
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === '__pycache__') continue
    const path = `${rel}/${e.name}`
    if (e.isDirectory()) await walk(root, path, out)
    else if (e.isFile()) out.push(path)
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  )
}
