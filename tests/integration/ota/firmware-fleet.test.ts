/**
 * Issue 16 item 5: an update to 10 simulated boards at once, end to end. Each board runs the
 * REAL firmware (firmware/, MicroPython wasm, its own process) logged in to the built-in
 * broker of a real `serve` with its own account, and `npm run cli -- update --all` sends a
 * new version: the first board alone, then the rest four at a time. Every board must swap,
 * reboot through the update guard, pass its trial and report the new version.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateOtaKey } from '../../../src/shared/ota/node'
import { tempDir } from '../../helpers/temp-dir'
import { RpcSocket } from '../../helpers/rpc-socket'
import { FirmwareBoard } from '../../simulators/board/firmware-board'
import { flashVersion, installedFlash } from '../../simulators/board/installed-flash'

const ROOT = resolve(__dirname, '../../..')
const CLI = join(ROOT, 'out/main/cli.js')
const SERVE = join(ROOT, 'out/main/serve.js')
const COUNT = Number(process.env.OTA_FLEET ?? 10)
/** Fake ms per real ms on the boards: the trial's 30 s online pass takes 1.5 s. */
const SPEED = 20
const run = promisify(execFile)
const log = process.env.FW_ECHO === '1' ? (line: string) => console.log(line) : undefined

async function ensureBuild(): Promise<void> {
  const sources = ['src/main/cli/update-command.ts', 'src/main/core/ota/update-service.ts']
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs))
  const built = (f: string): number => {
    try {
      return statSync(f).mtimeMs
    } catch {
      return 0
    }
  }
  if (Math.min(built(CLI), built(SERVE)) < newest)
    await run('npx', ['electron-vite', 'build'], { cwd: ROOT })
}

describe(`an update to ${COUNT} boards running the real firmware`, () => {
  let dir: { path: string; cleanup: () => Promise<void> }
  let serve: ChildProcess
  let url: string
  let rpc: RpcSocket
  const boards: FirmwareBoard[] = []
  const ids = Array.from({ length: COUNT }, (_, i) => `fw-${String(i).padStart(2, '0')}`)
  const shipped = /VERSION = "([^"]+)"/.exec(
    readFileSync(join(ROOT, 'firmware/lib/iotfw/__init__.py'), 'utf8'),
  )![1]!
  const next = `${shipped}-e2e`

  const devices = () =>
    rpc.call<{ id: string; online: boolean | null; info: { fw: string | null } }[]>('devices.list')
  async function until(check: () => Promise<boolean>, what: string, ms: number): Promise<void> {
    const deadline = Date.now() + ms
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }

  beforeAll(async () => {
    await ensureBuild()
    dir = await tempDir('ota-fleet-')
    const data = join(dir.path, 'data')
    mkdirSync(data, { recursive: true })
    const keys = Object.fromEntries(ids.map((id) => [id, generateOtaKey()]))
    writeFileSync(join(data, 'ota-keys.json'), JSON.stringify({ version: 1, keys }), {
      mode: 0o600,
    })
    serve = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', SERVE, '--port', '0', '--broker-port', '0'].concat([
        '--data-dir',
        data,
      ]),
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    url = await new Promise<string>((done, reject) => {
      let out = ''
      serve.stdout?.on('data', (d: Buffer) => {
        out += d.toString()
        const match = /Web UI: (\S+)/.exec(out)
        if (match?.[1]) done(match[1])
      })
      serve.once('exit', (code) => reject(new Error(`serve exited ${code}`)))
    })
    const web = new URL(url)
    rpc = await RpcSocket.open(`ws://${web.host}/rpc`, {
      authorization: `Bearer ${web.searchParams.get('token')}`,
    })
    const status = await rpc.call<{ listeners: { kind: string; port: number }[] }>('broker.status')
    const port = status.listeners.find((l) => l.kind === 'tcp')!.port
    for (const [index, id] of ids.entries()) {
      const login = await rpc.call<{ username: string; password: string }>(
        'broker.credentials.issue',
        { deviceId: id },
      )
      const flash = installedFlash({
        id,
        broker: { host: '127.0.0.1', port },
        login,
        otaKey: keys[id]!,
      })
      const mac = `240ac4a100${index.toString(16).padStart(2, '0')}`
      const board = new FirmwareBoard(flash, { mac, speed: SPEED, ...(log ? { log } : {}) })
      board.start()
      boards.push(board)
    }
    await until(
      async () =>
        (await devices()).filter((d) => d.online && d.info.fw === shipped).length === COUNT,
      `${COUNT} boards online with ${shipped}`,
      120_000,
    )
    // The version to send: this firmware with its VERSION bumped.
    const files = join(dir.path, 'next')
    cpSync(join(ROOT, 'firmware/main.py'), join(files, 'main.py'))
    cpSync(join(ROOT, 'firmware/lib/iotfw'), join(files, 'lib/iotfw'), { recursive: true })
    const init = join(files, 'lib/iotfw/__init__.py')
    writeFileSync(
      init,
      readFileSync(init, 'utf8').replace(/^VERSION = .*$/m, `VERSION = "${next}"`),
    )
  }, 180_000)

  afterAll(async () => {
    for (const b of boards) b.close()
    rpc?.close()
    if (serve && serve.exitCode === null) {
      const exited = new Promise((done) => serve.once('exit', done))
      serve.kill('SIGTERM')
      await exited
    }
    await dir?.cleanup()
  })

  it('every board swaps, passes its trial and reports the new version; the CLI exits 0', async () => {
    const started = Date.now()
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const child = spawn(
        process.execPath,
        ['--disable-warning=ExperimentalWarning', CLI, 'update', '--server', url, '--all'].concat([
          '--files',
          join(dir.path, 'next'),
          '--json',
        ]),
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('exit', (code) => done({ code: code ?? -1, stdout, stderr }))
    })
    const seconds = Math.round((Date.now() - started) / 1000)
    console.log(`OTA to ${COUNT} real-firmware boards: ${seconds} s`)
    if (result.code !== 0) console.log(result.stderr)
    const job = JSON.parse(result.stdout) as {
      devices: {
        id: string
        state: string
        canary: boolean
        startedAt: number
        finishedAt: number
      }[]
    }
    expect(job.devices.map((d) => [d.id, d.state])).toEqual(ids.map((id) => [id, 'done']).sort())
    expect(result.code).toBe(0)
    const canary = job.devices.find((d) => d.canary)
    expect(canary !== undefined).toBe(COUNT > 1)
    for (const d of job.devices.filter((x) => !x.canary))
      expect(d.startedAt).toBeGreaterThanOrEqual(canary?.finishedAt ?? 0)
    const list = await devices()
    for (const id of ids) expect(list.find((d) => d.id === id)?.info.fw).toBe(next)
    // Each board's flash holds the new version and the one before it, and it was reset by its
    // swap (the trial boot), through the update guard.
    expect(boards.map((b) => flashVersion(b.flash))).toEqual(ids.map(() => next))
    for (const b of boards) expect(b.resets).toBeGreaterThanOrEqual(1)
  }, 600_000)
})
