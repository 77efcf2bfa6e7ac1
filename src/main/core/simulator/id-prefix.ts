/**
 * Which device-id prefix `npm run simulate` uses when none is given: `sim-<host>-`, so copies
 * on different machines never share client ids on one broker (the broker would drop the older
 * connection each time: MQTT 3.1.1 §3.1.4), and the same machine gets the same devices back
 * on every run. A second copy on the same machine takes `sim-<host>-2-` and so on: each copy
 * holds a lock file naming its pid in the temp folder while it runs.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Characters a device id may use (isValidDeviceId), and room left for the number after. */
const PREFIX_RE = /^[A-Za-z0-9_.-]{1,48}$/

export function isValidIdPrefix(prefix: string): boolean {
  return PREFIX_RE.test(prefix)
}

/** `sim-<host>-`: the host name lower-cased, only [a-z0-9-], at most 16 characters. */
export function hostIdPrefix(hostname: string): string {
  const host = hostname
    .toLowerCase()
    .split('.')[0]!
    .replace(/[^a-z0-9-]/g, '')
    .replace(/^-+|-+$/g, '')
    .slice(0, 16)
  return `sim-${host || 'host'}-`
}

export interface PrefixClaim {
  prefix: string
  release(): void
}

/**
 * Claims `base`, or `base` with `2-`, `3-`, … appended when another live process on this
 * machine holds it. `alive(pid)` is injectable for tests.
 */
export function claimIdPrefix(
  base: string,
  lockDir: string,
  pid = process.pid,
  alive: (pid: number) => boolean = isAlive,
): PrefixClaim {
  mkdirSync(lockDir, { recursive: true })
  for (let n = 1; n < 1000; n++) {
    const prefix = n === 1 ? base : `${base}${n}-`
    const file = join(lockDir, `${prefix}lock`)
    if (tryLock(file, pid, alive))
      return {
        prefix,
        release: () => {
          if (readPid(file) === pid) rmSync(file, { force: true })
        },
      }
  }
  throw new Error(`no free id prefix after ${base}999-: pass --id-prefix`)
}

function tryLock(file: string, pid: number, alive: (pid: number) => boolean): boolean {
  try {
    writeFileSync(file, String(pid), { flag: 'wx' })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const holder = readPid(file)
  if (holder !== null && holder !== pid && alive(holder)) return false
  // A lock left by a copy that died without cleaning up.
  writeFileSync(file, String(pid))
  return true
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8'))
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
