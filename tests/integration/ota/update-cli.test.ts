/**
 * `npm run cli -- update` as a script runs it: the built out/main/cli.js against a running
 * web mode (out/main/serve.js) whose built-in broker the boards log in to with their own
 * device accounts; the app signs with the keys it keeps in ota-keys.json.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { connectAsync } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateOtaKey } from '../../../src/shared/ota/node'
import { tempDir } from '../../helpers/temp-dir'
import { RpcSocket } from '../../helpers/rpc-socket'
import { FakeOtaBoard } from '../../simulators/ota/fake-ota-board'
import { writeFirmware } from './ota-harness'

const ROOT = resolve(__dirname, '../../..')
const CLI = join(ROOT, 'out/main/cli.js')
const SERVE = join(ROOT, 'out/main/serve.js')
const run = promisify(execFile)

async function ensureBuild(): Promise<void> {
  const sources = [
    'src/main/cli.ts',
    'src/main/cli/update-command.ts',
    'src/main/core/ota/update-service.ts',
    'src/main/core/ota/device-run.ts',
    'src/main/serve.ts',
  ]
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs))
  const built = (file: string): number => {
    try {
      return statSync(file).mtimeMs
    } catch {
      return 0
    }
  }
  if (Math.min(built(CLI), built(SERVE)) < newest)
    await run('npx', ['electron-vite', 'build'], { cwd: ROOT })
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
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

describe('npm run cli -- update', () => {
  let dir: { path: string; cleanup: () => Promise<void> }
  let serve: ChildProcess
  let url: string
  let rpc: RpcSocket
  let brokerUrl: string
  let files: string
  const boards: FakeOtaBoard[] = []
  const keys: Record<string, string> = {}

  /** A board with its own login on the built-in broker; `key` null = installed before OTA. */
  async function board(id: string, key: string | null = keys[id] ?? null): Promise<FakeOtaBoard> {
    const issued = await rpc.call<{ username: string; password: string }>(
      'broker.credentials.issue',
      { deviceId: id },
    )
    const b = new FakeOtaBoard({
      url: brokerUrl,
      id,
      key,
      version: '0.1.0',
      username: issued.username,
      password: issued.password,
    })
    boards.push(b)
    await b.connect()
    return b
  }

  beforeAll(async () => {
    await ensureBuild()
    dir = await tempDir('ota-cli-')
    const data = join(dir.path, 'data')
    mkdirSync(data, { recursive: true })
    for (const id of ['c1', 'c2', 'c3', 'off1']) keys[id] = generateOtaKey()
    // What the installer left behind for these boards.
    writeFileSync(
      join(data, 'ota-keys.json'),
      JSON.stringify({ version: 1, keys: { ...keys, wrong: generateOtaKey() } }),
      { mode: 0o600 },
    )
    files = await writeFirmware(dir.path, '0.3.0')
    serve = spawn(
      process.execPath,
      [
        '--disable-warning=ExperimentalWarning',
        SERVE,
        '--port',
        '0',
        '--broker-port',
        '0',
        '--data-dir',
        data,
      ],
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
    brokerUrl = `mqtt://127.0.0.1:${status.listeners.find((l) => l.kind === 'tcp')!.port}`
  }, 90_000)

  afterAll(async () => {
    for (const b of boards) await b.close()
    rpc?.close()
    if (serve && serve.exitCode === null) {
      const exited = new Promise((done) => serve.once('exit', done))
      serve.kill('SIGTERM')
      await exited
    }
    await dir?.cleanup()
  })

  it('says how to use it when neither --device nor --all is given (exit 2)', async () => {
    const result = await cli(['update', '--server', url])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/Give --device ID or --all/)
  })

  it('updates boards with progress and exits 0', async () => {
    const c1 = await board('c1')
    const c2 = await board('c2')
    const result = await cli(['update', '--server', url, '--device', 'c1,c2', '--files', files])
    expect(result.stderr).toMatch(/Updating 2 board\(s\) to 0\.3\.0/)
    expect(result.stderr).toMatch(/c[12] \(first\)\s+sending\s+\[[█░]+\]/)
    expect(result.stdout).toMatch(/2 updated, 0 skipped, 0 failed, 0 cancelled \(version 0\.3\.0\)/)
    expect(result.code).toBe(0)
    expect([c1.version, c2.version]).toEqual(['0.3.0', '0.3.0'])
    // The registry saw the new version the boards report.
    const devices = await rpc.call<{ id: string; info: { fw: string } }[]>('devices.list')
    expect(devices.find((d) => d.id === 'c1')?.info.fw).toBe('0.3.0')
  }, 60_000)

  it('exits 1 when a board refuses the signature, and says why', async () => {
    await board('wrong', generateOtaKey())
    const result = await cli(['update', '--server', url, '--device', 'wrong', '--files', files])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/wrong\s+failed\s+bad_signature/)
  }, 60_000)

  it('gives up on a board still offline after --offline-timeout (exit 1), updates the rest', async () => {
    await board('c3')
    const off = await board('off1')
    await off.drop()
    const result = await cli([
      'update',
      '--server',
      url,
      '--device',
      'c3',
      '--device',
      'off1',
      '--files',
      files,
      '--offline-timeout',
      '2',
      '--json',
    ])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Still offline after 2 s: off1/)
    const job = JSON.parse(result.stdout) as { devices: { id: string; state: string }[] }
    expect(Object.fromEntries(job.devices.map((d) => [d.id, d.state]))).toEqual({
      c3: 'done',
      off1: 'cancelled',
    })
  }, 60_000)

  it('the built-in broker refuses a board publishing to its own update topics', async () => {
    const issued = await rpc.call<{ username: string; password: string }>(
      'broker.credentials.issue',
      { deviceId: 'rogue' },
    )
    const rogue = await connectAsync(brokerUrl, {
      clientId: 'rogue',
      username: issued.username,
      password: issued.password,
      reconnectPeriod: 0,
    })
    const closed = new Promise<void>((done) => rogue.once('close', () => done()))
    rogue.publish('iot/rogue/ota/manifest', '{"m":"{}","sig":"00"}', { qos: 1 })
    await closed
    const refusals = await rpc.call<{ entries: { topic: string; action: string }[] }>(
      'broker.refusals.list',
    )
    expect(refusals.entries).toContainEqual(
      expect.objectContaining({ topic: 'iot/rogue/ota/manifest', action: 'publish' }),
    )
    await rogue.endAsync(true).catch(() => undefined)
  }, 30_000)
})
