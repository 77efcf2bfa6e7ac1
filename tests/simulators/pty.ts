import { spawn, type ChildProcess } from 'node:child_process'
import { lstat, mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * A connected pair of pseudo-terminals made by socat: whatever is written to one end
 * comes out of the other. A simulated device serves `devicePath`; the code under test
 * opens `hostPath` exactly as it would open /dev/ttyUSB0.
 *
 * `socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B` (see shared/TOOLCHAIN.md,
 * Serial). socat removes both links when it exits, so `kill()` is a faithful "unplug":
 * the host's path disappears and its writes fail with EIO.
 */
export interface PtyPair {
  readonly devicePath: string
  readonly hostPath: string
  /** Resolves when socat has exited (after `kill()`, or if it died on its own). */
  readonly exited: Promise<void>
  /** Stops socat (unplug); idempotent. Resolves once the links are gone. */
  kill(): Promise<void>
}

export interface PtyPairOptions {
  devicePath: string
  hostPath: string
  /** How long to wait for socat to create both links. */
  timeoutMs?: number
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path)
    return true
  } catch {
    return false
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Starts socat and resolves once both pty links exist. */
export async function createPtyPair(options: PtyPairOptions): Promise<PtyPair> {
  const { devicePath, hostPath, timeoutMs = 5000 } = options
  await mkdir(dirname(devicePath), { recursive: true })
  await mkdir(dirname(hostPath), { recursive: true })
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let dead = false
  void exited.then(() => (dead = true))
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject))
  spawnError.catch(() => undefined)

  try {
    await Promise.race([
      waitFor(
        async () => {
          if (dead) throw new Error(`socat exited early: ${stderr.trim()}`)
          return (await exists(devicePath)) && (await exists(hostPath))
        },
        timeoutMs,
        'socat pty links',
      ),
      spawnError,
    ])
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }

  return {
    devicePath,
    hostPath,
    exited,
    async kill() {
      if (!dead) child.kill('SIGTERM')
      await exited
      // socat unlinks on SIGTERM; wait so a "replug" can reuse the same path at once.
      await waitFor(async () => !(await exists(hostPath)), 2000, 'pty links to go away')
    },
  }
}
