/**
 * The real app for the OTA end-to-end tests: the built `serve` (out/main/serve.js, web mode
 * with its built-in broker) on free ports, an RPC connection to it, and the built CLI
 * (out/main/cli.js) run as a script would. Built first when a source is newer than out/.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { RpcSocket } from '../../helpers/rpc-socket'

export const ROOT = resolve(__dirname, '../../..')
const CLI = join(ROOT, 'out/main/cli.js')
const SERVE = join(ROOT, 'out/main/serve.js')
/** What the OTA tests exercise: a change in any of these needs a new build. */
const SOURCES = ['src/main/cli', 'src/main/core/ota', 'src/shared/ota', 'src/main/serve.ts']

function newest(path: string): number {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

const LOCK = join(ROOT, 'out/.ota-test-build')

/**
 * Builds when out/ is older than a source. Test files run in parallel workers: one builds
 * (holding a lock folder) while the others wait, rather than start a serve from a half
 * written out/.
 */
async function ensureBuild(): Promise<void> {
  const built = (file: string): number => {
    try {
      return statSync(file).mtimeMs
    } catch {
      return 0
    }
  }
  const stale = (): boolean =>
    Math.min(built(CLI), built(SERVE)) < Math.max(...SOURCES.map((s) => newest(join(ROOT, s))))
  const deadline = Date.now() + 180_000
  while (stale()) {
    mkdirSync(join(ROOT, 'out'), { recursive: true })
    try {
      mkdirSync(LOCK)
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK} held for 3 min: remove it if stale`)
      await new Promise((resolve) => setTimeout(resolve, 500))
      continue
    }
    try {
      await promisify(execFile)('npx', ['electron-vite', 'build'], { cwd: ROOT })
    } finally {
      rmSync(LOCK, { recursive: true, force: true })
    }
    return // built once: a source edited meanwhile waits for the next run
  }
}

export interface OtaServe {
  /** The Web UI URL with its token, as `serve` prints it. */
  url: string
  rpc: RpcSocket
  /** The built-in broker's TCP port. */
  brokerPort: number
  stop(): Promise<void>
}

/** Builds if needed, starts `serve` on `dataDir` and connects to it. */
export async function startServe(dataDir: string): Promise<OtaServe> {
  await ensureBuild()
  const args = ['--port', '0', '--broker-port', '0', '--data-dir', dataDir]
  const serve: ChildProcess = spawn(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', SERVE, ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const stop = async (): Promise<void> => {
    if (serve.exitCode !== null || serve.signalCode !== null) return
    const exited = new Promise((done) => serve.once('exit', done))
    serve.kill('SIGTERM')
    await exited
  }
  try {
    let errors = ''
    serve.stderr?.on('data', (d: Buffer) => (errors += d.toString()))
    const url = await new Promise<string>((done, reject) => {
      let out = ''
      serve.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const match = /Web UI: (\S+)/.exec(out)
        if (match?.[1]) done(match[1])
      })
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${errors}`)))
    })
    const web = new URL(url)
    const rpc = await RpcSocket.open(`ws://${web.host}/rpc`, {
      authorization: `Bearer ${web.searchParams.get('token')}`,
    })
    const status = await rpc.call<{ listeners: { kind: string; port: number }[] }>('broker.status')
    const brokerPort = status.listeners.find((l) => l.kind === 'tcp')!.port
    return {
      url,
      rpc,
      brokerPort,
      stop: async () => {
        rpc.close()
        await stop()
      },
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** `npm run cli -- <args>` on the built CLI: its exit code and output. */
export function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }))
  })
}
