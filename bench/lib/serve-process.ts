/**
 * The app under test: `node out/main/serve.js` (what `npm run serve` runs after building) as
 * a child with a fresh data folder, found through the lines it prints (`Web UI: …?token=`,
 * `MQTT broker: mqtt://HOST:PORT`). Its own log goes to serve.log in the data folder's parent.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { REPO_ROOT, spawnRaised, stopChild, waitForLine } from './child'
import { AppRpc } from './rpc-client'

export interface ServeHandle {
  pid: number
  /** ws://…/rpc?token=… */
  rpcUrl: string
  rpc: AppRpc
  brokerHost: string
  brokerPort: number
  /** Exit code or signal once it has exited on its own (a crash under load), else null. */
  exited(): string | null
  stop(): Promise<void>
}

export interface ServeOptions {
  dataDir: string
  /**
   * A checkout whose out/main/serve.js to run (default: this one). `npm run bench -- --app DIR`
   * compares another build, e.g. a `git worktree` of the commit before a change.
   */
  appDir?: string
  extraArgs?: string[]
}

export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const appDir = options.appDir ?? REPO_ROOT
  const script = join(appDir, 'out/main/serve.js')
  if (!existsSync(script))
    throw new Error(`${script} does not exist: build it first (npm run bench builds this checkout)`)
  await mkdir(options.dataDir, { recursive: true })
  const token = `bench-${randomBytes(12).toString('hex')}`
  const child: ChildProcess = spawnRaised(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      script,
      '--port',
      '0',
      '--broker-port',
      '0',
      '--anonymous-loopback',
      '--data-dir',
      options.dataDir,
      '--token',
      token,
      ...(options.extraArgs ?? []),
    ],
    { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const log = createWriteStream(join(dirname(options.dataDir), 'serve.log'), { flags: 'a' })
  child.stdout?.pipe(log)
  child.stderr?.pipe(log)
  let exitedWith: string | null = null
  child.once('exit', (code, signal) => (exitedWith = String(signal ?? code)))
  try {
    const brokerLine = waitForLine(child, /^MQTT broker: mqtt:\/\/([^:/]+):(\d+)/, 60_000, 'serve')
    const [, webUrl] = await waitForLine(child, /^Web UI: (\S+)/, 60_000, 'serve')
    const [, brokerHost, brokerPort] = await brokerLine
    const rpcUrl = new URL(webUrl!)
    rpcUrl.protocol = 'ws:'
    rpcUrl.pathname = '/rpc'
    return {
      pid: child.pid!,
      rpcUrl: rpcUrl.href,
      rpc: new AppRpc(rpcUrl.href),
      brokerHost: brokerHost!,
      brokerPort: Number(brokerPort),
      exited: () => exitedWith,
      stop: async () => {
        await stopChild(child, 15_000)
        log.end()
      },
    }
  } catch (error) {
    await stopChild(child, 2000)
    log.end()
    throw new Error(
      `${(error as Error).message} (see ${join(dirname(options.dataDir), 'serve.log')})`,
      { cause: error },
    )
  }
}
