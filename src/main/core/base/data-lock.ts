/**
 * One running core per data folder (issue 12.4): two instances on one folder overwrite each
 * other's files. The first takes `<dataDir>/iotcc.lock`; a second start fails with
 * DataDirLockedError naming the folder and the holder.
 *
 * Why this is robust:
 * - Taking the lock is one atomic step: the file is created with O_EXCL (`wx`), so of two
 *   processes starting together exactly one succeeds.
 * - A crash (kill -9, power loss) cannot block the next start: the file names its holder
 *   (pid + hostname + which process that pid was), and a lock whose holder is gone is
 *   stale. "Gone" is checked with `process.kill(pid, 0)` (ESRCH: no such process) and, on
 *   Linux, a zombie state in /proc counts as gone too.
 * - pid reuse cannot keep a stale lock alive: on Linux the lock records the boot id and the
 *   process start time from /proc (`<boot_id>/<starttime>`), which name one process exactly,
 *   so a live pid that is someone else does not count. Elsewhere the boot time is recorded:
 *   after a reboot every old pid is stale. A lock naming our own pid is ours only if this
 *   process took it (a container restart gives the new process the old pid).
 * - Taking over a stale lock is serialised by a short-lived `iotcc.lock.takeover` file
 *   (also O_EXCL), and the stale lock is removed only if it is still byte for byte the one
 *   judged stale: two processes taking over at once cannot both win.
 * - Every doubt fails safe: a lock from another host (a shared folder) cannot be checked
 *   and is respected; the error names the lock file, so a person can remove it.
 *
 * No TypeScript-only syntax here (parameter properties, enums): tests load this file in a
 * child process with Node's type stripping.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { hostname, uptime } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'

export const LOCK_FILE = 'iotcc.lock'
/** A lock file still empty or half-written after this long was left by a crash. */
const UNWRITTEN_GRACE_MS = 10_000
/** Boot times from os.uptime() drift with the wall clock; a reboot moves them more. */
const BOOT_TOLERANCE_MS = 30_000

/** What the lock file holds: who has the folder. */
export interface LockOwner {
  pid: number
  hostname: string
  /** Linux: `<boot id>/<start time in clock ticks>` from /proc, naming one process exactly. */
  process?: string
  /** Epoch ms the machine booted: after a reboot, every lock from before is stale. */
  bootedAt: number
  /** Epoch ms the lock was taken. */
  since: number
  /** Who holds it, for the person reading the error: e.g. "web 0.1.0". */
  app: string
  /** Tells this lock from a later one by the same pid. */
  nonce: string
}

/** Another instance has the data folder (or its lock cannot be judged). */
export class DataDirLockedError extends Error {
  readonly dataDir: string
  readonly lockFile: string
  /** null when the lock file is being written right now (or cannot be read). */
  readonly owner: LockOwner | null

  constructor(dataDir: string, lockFile: string, owner: LockOwner | null) {
    const who = owner
      ? `pid ${owner.pid}${owner.hostname === hostname() ? '' : ` on ${owner.hostname}`} ` +
        `(${owner.app}, since ${new Date(owner.since).toISOString()})`
      : 'another process that is starting'
    super(
      `The data folder ${dataDir} is in use by ${who}. Stop that instance first, or use ` +
        `another data folder. If it is not running, delete ${lockFile}.`,
    )
    this.name = 'DataDirLockedError'
    this.dataDir = dataDir
    this.lockFile = lockFile
    this.owner = owner
  }
}

export interface DataLock {
  readonly path: string
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void
}

/** Real paths of the lock files this process holds, with the nonce it wrote. */
const held = new Map<string, string>()

/**
 * Takes the data folder's lock (the folder must exist). Throws DataDirLockedError when a
 * live process holds it; takes over a lock whose holder is gone.
 */
export function acquireDataLock(dataDir: string, app: string): DataLock {
  const path = join(dataDir, LOCK_FILE)
  const owner: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    process: processIdentity(process.pid)?.id,
    bootedAt: bootedAt(),
    since: Date.now(),
    app,
    nonce: randomUUID(),
  }
  const text = JSON.stringify(owner)
  // A few rounds: each lost race is someone else's progress, never a loop without end.
  for (let round = 0; round < 5; round++) {
    if (create(path, text)) {
      const key = realpathSync(path)
      held.set(key, owner.nonce)
      return { path, release: () => release(key, path, owner.nonce) }
    }
    const found = read(path)
    if (found === undefined) continue // released meanwhile
    const holder = parse(found.text)
    if (!isStale(key(path), holder, found.mtimeMs))
      throw new DataDirLockedError(dataDir, path, holder)
    takeOver(path, found.text)
  }
  throw new DataDirLockedError(dataDir, path, parse(read(path)?.text ?? ''))
}

function key(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

function release(key: string, path: string, nonce: string): void {
  if (held.get(key) !== nonce) return
  held.delete(key)
  const found = read(path)
  // Someone may have judged us dead and taken over (a frozen laptop); their lock stays.
  if (found && parse(found.text)?.nonce === nonce) unlink(path)
}

/** O_EXCL create with the whole content; false when the file exists. */
function create(path: string, text: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    unlink(path)
    throw error
  }
  closeSync(fd)
  return true
}

function read(path: string): { text: string; mtimeMs: number } | undefined {
  try {
    return { mtimeMs: statSync(path).mtimeMs, text: readFileSync(path, 'utf8') }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function parse(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null
    if (typeof value?.pid !== 'number' || typeof value.hostname !== 'string') return null
    return value as LockOwner
  } catch {
    return null
  }
}

function unlink(path: string): void {
  try {
    unlinkSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** True when the holder is certainly gone; every doubt counts as alive. */
function isStale(lockKey: string, owner: LockOwner | null, mtimeMs: number): boolean {
  // Empty or half-written: being created right now, or a crash mid-write long ago.
  if (!owner) return Date.now() - mtimeMs > UNWRITTEN_GRACE_MS
  if (owner.hostname !== hostname()) return false
  // Our own pid: ours only if this process took it (else a previous life of this pid).
  if (owner.pid === process.pid) return held.get(lockKey) !== owner.nonce
  const running = processIdentity(owner.pid)
  if (running)
    return running.zombie || (owner.process !== undefined && running.id !== owner.process)
  if (!pidExists(owner.pid)) return true
  return Math.abs(bootedAt() - owner.bootedAt) > BOOT_TOLERANCE_MS
}

/**
 * Removes the stale lock whose content was `staleText`, holding the takeover file so only
 * one process does this at a time; when another one is at it, waits a moment instead.
 */
function takeOver(path: string, staleText: string): void {
  const guard = `${path}.takeover`
  if (!create(guard, String(process.pid))) {
    // A takeover is a read and an unlink long: an old guard was left by a crash.
    const found = read(guard)
    if (found && Date.now() - found.mtimeMs > UNWRITTEN_GRACE_MS) unlink(guard)
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50)
    return
  }
  try {
    if (read(path)?.text === staleText) unlink(path)
  } finally {
    unlink(guard)
  }
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

function bootedAt(): number {
  return Math.round(Date.now() - uptime() * 1000)
}

/**
 * Linux: the process's boot id + start time (proc(5): /proc/PID/stat field 22, clock ticks
 * since boot), or undefined where /proc is missing or the process does not exist.
 */
function processIdentity(pid: number): { id: string; zombie: boolean } | undefined {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const state = fields[0]
    const startTime = fields[19] // field 22 overall; fields[0] is field 3
    if (!startTime) return undefined
    return { id: `${boot}/${startTime}`, zombie: state === 'Z' || state === 'X' }
  } catch {
    return undefined
  }
}
