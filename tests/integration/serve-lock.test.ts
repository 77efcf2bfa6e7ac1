/**
 * Two `npm run serve` on one data folder (issue 12.4): the built out/main/serve.js as a
 * person runs it. The second exits non-zero naming the folder and the process holding it;
 * after the first stops (Ctrl-C / SIGTERM) the folder is free again.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { LOCK_FILE } from '../../src/main/core/base/data-lock'
import { tempDir } from '../helpers/temp-dir'

const ROOT = resolve(__dirname, '../..')
const SERVE = join(ROOT, 'out/main/serve.js')
const run = promisify(execFile)

/** Builds out/main when it is missing or older than the sources this test is about. */
async function ensureBuild(): Promise<void> {
  const sources = [
    'src/main/serve.ts',
    'src/main/core/base/data-lock.ts',
    'src/main/core/create-core.ts',
  ]
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs))
  const built = existsSync(SERVE) ? statSync(SERVE).mtimeMs : 0
  if (built < newest) await run('npx', ['electron-vite', 'build'], { cwd: ROOT })
}

let dir: { path: string; cleanup: () => Promise<void> }
const children: ChildProcessWithoutNullStreams[] = []

function serve(data: string): ChildProcessWithoutNullStreams {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      SERVE,
      '--data-dir',
      data,
      '--port',
      '0',
      '--no-broker',
      '--token',
      'serve-lock-token-1234',
    ],
    { cwd: ROOT },
  )
  children.push(child)
  return child
}

function output(child: ChildProcessWithoutNullStreams): { stdout: string; stderr: string } {
  const out = { stdout: '', stderr: '' }
  child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString()))
  return out
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

beforeAll(ensureBuild, 180_000)
beforeEach(async () => {
  dir = await tempDir('iotcc-serve-lock-')
})
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited(child)
    }
  }
  await dir.cleanup()
})

describe('npm run serve on a data folder already in use', () => {
  it('exits non-zero naming the folder and the process that holds it', async () => {
    const data = join(dir.path, 'data')
    const first = serve(data)
    const firstOut = output(first)
    for (let i = 0; !firstOut.stdout.includes('Web UI: ') && i < 300; i++) {
      if (first.exitCode !== null) throw new Error(`first serve exited: ${firstOut.stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(firstOut.stdout).toContain('Web UI: ')

    const second = serve(data)
    const secondOut = output(second)
    expect(await exited(second)).toBe(1)
    expect(secondOut.stdout).not.toContain('Web UI:')
    expect(secondOut.stderr).toContain(`The data folder ${data} is in use by pid ${first.pid}`)
    expect(secondOut.stderr).toContain('web ')
    // The first one never noticed.
    expect(first.exitCode).toBeNull()

    first.kill('SIGTERM')
    expect(await exited(first)).toBe(0)
    expect(existsSync(join(data, LOCK_FILE))).toBe(false)
  })
})
