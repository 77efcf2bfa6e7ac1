import { constants } from 'node:os'

/** The slice of Emscripten's FS object the simulator touches. */
export interface EmFs {
  ErrnoError: new (errno: number) => Error & { errno: number; code?: string }
  root: unknown
  readdir(path: string): string[]
  readFile(path: string): Uint8Array
  writeFile(path: string, data: Uint8Array): void
  mkdir(path: string): void
  rmdir(path: string): void
  unlink(path: string): void
  stat(path: string): { mode: number; size: number }
  isDir(mode: number): boolean
  isFile(mode: number): boolean
  lookupPath(path: string, opts?: object): { node: unknown; path: string }
  [method: string]: unknown
}

/** Host-side faults the simulated flash can inject (mutable while running). */
export interface FsFaults {
  /** Bytes that still fit before writes fail with ENOSPC (littlefs "no space"). */
  enospcAfterBytes?: number
  /** Corrupt (flip one bit in) the next N writes to regular files. */
  corruptWrites?: number
}

/** Files and directories of the simulated flash: what survives a soft reset. */
export interface FsSnapshot {
  dirs: string[]
  files: Map<string, Uint8Array>
}

/** Emscripten's own mount points, which a board's root does not have. */
const HIDDEN_ROOT_ENTRIES = new Set(['dev', 'proc', 'tmp', 'home'])

/** FS methods the wasm port's syscalls call; errors leaving them are translated. */
const SYSCALL_METHODS = [
  'open',
  'close',
  'read',
  'write',
  'llseek',
  'stat',
  'lstat',
  'fstat',
  'mkdir',
  'rmdir',
  'unlink',
  'rename',
  'readdir',
  'chdir',
  'statfs',
  'truncate',
  'ftruncate',
]

/**
 * Makes the wasm port's MEMFS look like a board's flash filesystem:
 *
 * - errno numbers: Emscripten throws WASI numbers (ENOENT = 44, EEXIST = 20, ENOSPC = 51)
 *   which the webassembly port's VfsPosix passes straight into OSError, while every
 *   hardware port raises MicroPython's numbering (py/mperrno.h: ENOENT 2, EEXIST 17,
 *   ENOSPC 28), so `OSError: [Errno 2] ENOENT` / `OSError: 28` print as on an ESP32.
 *   Only the outermost call is translated: Emscripten checks WASI numbers internally.
 * - the root lists only user files (no dev/proc/tmp/home);
 * - fault injection for writes (ENOSPC, corruption).
 */
export function patchFs(fs: EmFs, faults: FsFaults): void {
  const enospc = wasiErrno(fs, 'ENOSPC')
  // Faults and the root filter go innermost, errno translation outermost.
  const readdir = fs.readdir.bind(fs)
  fs.readdir = (path: string) => {
    const names = readdir(path)
    if (!isRoot(fs, path)) return names
    return names.filter((name) => !HIDDEN_ROOT_ENTRIES.has(name))
  }

  const write = fs.write as (...args: unknown[]) => number
  fs.write = function (this: unknown, ...args: unknown[]) {
    const [stream, buffer, offset, length] = args as [
      { node?: { mode: number } },
      Uint8Array,
      number,
      number,
    ]
    const regular = stream.node !== undefined && fs.isFile(stream.node.mode)
    if (regular && faults.enospcAfterBytes !== undefined) {
      if (length > faults.enospcAfterBytes) throw new fs.ErrnoError(enospc)
      faults.enospcAfterBytes -= length
    }
    if (regular && length > 0 && (faults.corruptWrites ?? 0) > 0) {
      faults.corruptWrites = (faults.corruptWrites ?? 0) - 1
      const copy = buffer.slice(offset, offset + length)
      copy[copy.length >> 1]! ^= 0x20
      return write.call(this, stream, copy, 0, length, ...args.slice(4))
    }
    return write.apply(this, args)
  }

  let depth = 0
  const toBoardErrno = (error: unknown): unknown => {
    const e = error as { name?: string; code?: string; errno?: number }
    if (e?.name !== 'ErrnoError' || !e.code) return error
    const mapped = (constants.errno as Record<string, number>)[e.code]
    if (mapped === undefined) return error
    const translated = new fs.ErrnoError(e.errno ?? 0)
    translated.errno = mapped
    return translated
  }
  for (const name of SYSCALL_METHODS) {
    const original = fs[name] as ((...args: unknown[]) => unknown) | undefined
    if (typeof original !== 'function') continue
    fs[name] = function (this: unknown, ...args: unknown[]) {
      depth++
      try {
        return original.apply(this, args)
      } catch (error) {
        throw depth === 1 ? toBoardErrno(error) : error
      } finally {
        depth--
      }
    }
  }
}

function isRoot(fs: EmFs, path: string): boolean {
  try {
    return fs.lookupPath(path, { follow: true }).node === fs.root
  } catch {
    return false
  }
}

/** Emscripten's number for an errno name (its ErrnoError names itself via `code`). */
function wasiErrno(fs: EmFs, name: string): number {
  for (let n = 1; n < 128; n++) if (new fs.ErrnoError(n).code === name) return n
  throw new Error(`no Emscripten errno ${name}`)
}

/** Removes Emscripten's /tmp and /home so the root starts empty like a fresh board. */
export function clearDefaultDirs(fs: EmFs): void {
  for (const dir of ['/home/web_user', '/home', '/tmp']) {
    try {
      fs.rmdir(dir)
    } catch {
      // already gone
    }
  }
}

/** Every user directory and file under `/` (parents before children). */
export function snapshotFs(fs: EmFs): FsSnapshot {
  const snapshot: FsSnapshot = { dirs: [], files: new Map() }
  const walk = (dir: string): void => {
    for (const name of fs.readdir(dir)) {
      if (name === '.' || name === '..') continue
      const path = dir === '/' ? `/${name}` : `${dir}/${name}`
      const st = fs.stat(path)
      if (fs.isDir(st.mode)) {
        snapshot.dirs.push(path)
        walk(path)
      } else if (fs.isFile(st.mode)) {
        snapshot.files.set(path, fs.readFile(path))
      }
    }
  }
  walk('/')
  return snapshot
}

export function restoreFs(fs: EmFs, snapshot: FsSnapshot): void {
  for (const dir of snapshot.dirs) fs.mkdir(dir)
  for (const [path, data] of snapshot.files) fs.writeFile(path, data)
}
