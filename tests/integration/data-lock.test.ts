/**
 * One data folder, one running core (issue 12.4): a second core on the same folder fails
 * with a typed error naming the folder and the holder, and a lock left by a process that
 * died (kill -9) or whose pid now belongs to someone else never blocks the next start.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname, uptime } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { createCore, type Core } from '../../src/main/core/create-core'
import {
  acquireDataLock,
  DataDirLockedError,
  LOCK_FILE,
  type LockOwner,
} from '../../src/main/core/base/data-lock'
import { tempDir } from '../helpers/temp-dir'

const ROOT = resolve(__dirname, '../..')
let dir: { path: string; cleanup: () => Promise<void> }
let data: string
const cores: Core[] = []

beforeEach(async () => {
  dir = await tempDir('iotcc-lock-')
  data = join(dir.path, 'data')
  mkdirSync(data)
})
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close()
  await dir.cleanup()
})

async function start(): Promise<Core> {
  const core = await createCore({
    dataDir: data,
    shell: 'web',
    version: '0.1.0-test',
    logger: silentLogger,
    // No embedded broker: these tests are about the data folder.
    mqtt: { brokerEnabled: false },
  })
  cores.push(core)
  return core
}

function lockOwner(): LockOwner {
  return JSON.parse(readFileSync(join(data, LOCK_FILE), 'utf8')) as LockOwner
}

/** A lock file as another process would have left it. */
function plantLock(owner: Partial<LockOwner>): void {
  const planted: LockOwner = {
    pid: process.pid,
    hostname: hostname(),
    bootedAt: Date.now() - uptime() * 1000,
    since: Date.now(),
    app: 'planted',
    nonce: 'planted',
    ...owner,
  }
  writeFileSync(join(data, LOCK_FILE), JSON.stringify(planted))
}

describe('the data folder lock', () => {
  it('refuses a second core on the same folder with a typed error, and frees it on close', async () => {
    const first = await start()
    expect(lockOwner()).toMatchObject({ pid: process.pid, hostname: hostname() })
    const second = start()
    await expect(second).rejects.toBeInstanceOf(DataDirLockedError)
    const error = (await second.catch((e: unknown) => e)) as DataDirLockedError
    expect(error.dataDir).toBe(data)
    expect(error.owner?.pid).toBe(process.pid)
    expect(error.message).toContain(data)
    expect(error.message).toContain(`pid ${process.pid}`)
    // The refused start did not touch the holder's lock.
    expect(lockOwner().pid).toBe(process.pid)

    await first.close()
    cores.splice(0)
    expect(existsSync(join(data, LOCK_FILE))).toBe(false)
    await start()
  })

  it('frees the folder even when a service fails to close', async () => {
    const first = await start()
    vi.spyOn(first.devices, 'close').mockRejectedValueOnce(new Error('disk gone'))
    await expect(first.close()).rejects.toThrow('disk gone')
    cores.splice(0)
    await start()
  })

  it('takes over a lock left by a process killed with kill -9', async () => {
    const child = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        '--import',
        './tests/simulators/ts-register.mjs',
        '-e',
        `import('./src/main/core/base/data-lock.ts').then((m) => {
          m.acquireDataLock(${JSON.stringify(data)}, 'child')
          console.log('locked')
          setInterval(() => {}, 1000)
        })`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    )
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('locked')) resolve()
      })
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)))
    })
    expect(lockOwner().pid).toBe(child.pid)
    // While it lives, the folder is its own.
    await expect(start()).rejects.toThrow(`pid ${child.pid}`)

    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
    expect(lockOwner().pid).toBe(child.pid) // left behind
    await start()
    expect(lockOwner().pid).toBe(process.pid)
  })

  it('takes over a lock naming this very pid that this process does not hold (a container restart)', async () => {
    const held = acquireDataLock(data, 'test')
    // Someone replaced our lock: release leaves what is not ours alone.
    plantLock({ nonce: 'not-mine' })
    held.release()
    expect(lockOwner().nonce).toBe('not-mine')
    // A previous run of the container had the same pid: its lock is not ours to respect.
    plantLock({ pid: process.pid, nonce: 'from-the-last-run', process: 'previous-boot/1' })
    await start()
    expect(lockOwner().nonce).not.toBe('from-the-last-run')
  })

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid now belongs to another, younger process',
    async () => {
      // Our parent is alive, but it is not the process that wrote this lock.
      plantLock({ pid: process.ppid, process: 'some-other-boot/12345', nonce: 'reused' })
      await start()
      expect(lockOwner().pid).toBe(process.pid)
    },
  )

  it('takes over a lock file left empty by a crash while it was written, once it is old', async () => {
    writeFileSync(join(data, LOCK_FILE), '')
    // Just now: someone is writing it.
    await expect(start()).rejects.toBeInstanceOf(DataDirLockedError)
    const aMinuteAgo = new Date(Date.now() - 60_000)
    utimesSync(join(data, LOCK_FILE), aMinuteAgo, aMinuteAgo)
    await start()
    expect(lockOwner().pid).toBe(process.pid)
  })

  it('refuses a live lock from another machine (a shared folder): it cannot be checked', async () => {
    plantLock({ pid: 4242, hostname: 'the-other-pi', nonce: 'remote' })
    await expect(start()).rejects.toThrow(/pid 4242 on the-other-pi/)
  })
})
