/** Child processes for benches: started with the open-files limit raised, read line by line, stopped politely. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'

/** The repository root (bench/lib/ → ../..). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Spawns `command args` through `sh` after raising the soft open-files limit to the hard one,
 * so 10,000 connections fit without the user tuning `ulimit -n` first (`exec` keeps the pid,
 * so /proc/<pid> is the command itself). Whether the limit is high enough is checked where
 * the sockets are opened (Fleet.connect) and said plainly there.
 */
export function spawnRaised(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  return spawn(
    'sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"', command, ...args],
    options,
  )
}

/** Node with the flags bench/run.ts itself runs under (type stripping + the .ts resolve hook). */
export function nodeArgs(script: string): string[] {
  return [
    '--disable-warning=ExperimentalWarning',
    '--import',
    fileURLToPath(new URL('../../tests/simulators/ts-register.mjs', import.meta.url)),
    script,
  ]
}

/**
 * Resolves with the first line on `child`'s stdout matching `pattern` (its match), rejecting
 * when the child exits first or after `timeoutMs`.
 */
export function waitForLine(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString()
      let newline
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        const match = pattern.exec(text)
        if (match) {
          cleanup()
          resolve(match)
          return
        }
      }
    }
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup()
      reject(new Error(`${what} exited (${signal ?? code}) before printing ${pattern}`))
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`${what} printed no ${pattern} within ${timeoutMs} ms`))
    }, timeoutMs)
    const cleanup = (): void => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

/** A TCP port free right now on 127.0.0.1 (for tools that cannot take port 0). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms))
