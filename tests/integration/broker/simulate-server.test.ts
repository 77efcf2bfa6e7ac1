/**
 * Issue 14 item 3 against a real `npm run serve` (out/main/serve.js, default flags: every
 * client needs a login): `npm run simulate` without a login says how to get in, and with
 * `--server <Web UI URL>` gets a login per device from that app and its devices show up.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectServer, type CliApi } from '../../../src/main/cli/connect-server'

const ROOT = resolve(__dirname, '../../..')
const SERVE = join(ROOT, 'out/main/serve.js')
const run = promisify(execFile)

/** Builds out/main when it is older than the sources this test exercises through it. */
async function ensureBuild(): Promise<void> {
  const sources = [
    'src/main/serve.ts',
    'src/main/core/broker/broker-handlers.ts',
    'src/main/core/broker/credential-store.ts',
    'src/shared/contract/broker.ts',
  ]
  const newest = Math.max(...sources.map((s) => statSync(join(ROOT, s)).mtimeMs))
  let built = 0
  try {
    built = statSync(SERVE).mtimeMs
  } catch {
    // not built yet
  }
  if (built < newest) await run('npx', ['electron-vite', 'build'], { cwd: ROOT })
}

interface Simulate {
  child: ChildProcess
  out: () => string
  err: () => string
  exit: Promise<number | null>
}

function simulate(args: string[], env: Record<string, string>): Simulate {
  const child = spawn(
    process.execPath,
    [
      ...['--disable-warning=ExperimentalWarning', '--experimental-transform-types'],
      ...['--import', './tests/simulators/ts-register.mjs', 'src/main/simulate.ts', ...args],
    ],
    { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return { child, out: () => out, err: () => err, exit }
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('npm run simulate against a default npm run serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotcc-sim-server-'))
  let serve: ChildProcess
  let webUrl = ''
  let brokerUrl = ''
  let api: CliApi

  beforeAll(async () => {
    await ensureBuild()
    serve = spawn(
      process.execPath,
      [
        ...['--disable-warning=ExperimentalWarning', SERVE, '--port', '0'],
        ...['--broker-port', '0', '--data-dir', join(dir, 'data')],
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let out = ''
    serve.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    await until(() => /Web UI: \S+/.test(out) && /MQTT broker: \S+/.test(out), 'serve')
    webUrl = /Web UI: (\S+)/.exec(out)![1]!
    brokerUrl = /MQTT broker: (\S+)/.exec(out)![1]!
    api = await connectServer(webUrl)
  }, 120_000)

  afterAll(async () => {
    await api?.close()
    if (serve && serve.exitCode === null) {
      const exited = new Promise((r) => serve.once('exit', r))
      serve.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  })

  it('without a login, says how to get in', async () => {
    const sim = simulate(['--devices', '2', '--broker', brokerUrl, '--id-prefix', 'h1-anon-'], {
      TMPDIR: dir,
    })
    expect(await sim.exit).toBe(1)
    expect(sim.err()).toMatch(/Not authorized/i)
    expect(sim.err()).toContain('--server')
    expect(sim.err()).toContain('npm run serve -- --anonymous-loopback')
    expect(sim.err()).toContain('login for device id "h1-anon-001"')
  }, 60_000)

  it('with --server, gets a login per device from the app and its devices report', async () => {
    const sim = simulate(
      ['--devices', '3', '--rate', '5', '--server', webUrl, '--id-prefix', 'h1-sim-'],
      {
        TMPDIR: dir,
      },
    )
    try {
      await until(() => /3 virtual devices/.test(sim.out()) || sim.child.exitCode !== null, 'start')
      expect(sim.err()).toContain('3 device logins issued by the app')
      expect(sim.out()).toContain(`to ${brokerUrl}`)
      const logins = await api.call('broker.credentials.list', {})
      expect(logins.map((l) => l.username).sort()).toEqual([
        'h1-sim-001',
        'h1-sim-002',
        'h1-sim-003',
      ])
      await until(async () => {
        const devices = await api.call('devices.list', {})
        return ['h1-sim-001', 'h1-sim-002', 'h1-sim-003'].every((id) =>
          devices.some((d) => d.id === id && d.online),
        )
      }, 'the three devices online in the app')
      const refusals = await api.call('broker.refusals.list', {})
      expect(refusals.total).toBe(0)
    } finally {
      sim.child.kill('SIGINT')
      await sim.exit
    }
  }, 90_000)

  it('refuses more devices than it would issue logins for, saying what to do instead', async () => {
    const sim = simulate(['--devices', '101', '--server', webUrl], { TMPDIR: dir })
    expect(await sim.exit).toBe(1)
    expect(sim.err()).toContain('at most 100')
    expect(sim.err()).toContain('--anonymous-loopback')
    expect((await api.call('broker.credentials.list', {})).length).toBe(3)
  }, 60_000)

  it('refuses --server with a bad token, naming the problem', async () => {
    const bad = new URL(webUrl)
    bad.searchParams.set('token', 'wrong')
    const sim = simulate(['--devices', '1', '--server', bad.toString()], { TMPDIR: dir })
    expect(await sim.exit).toBe(1)
    expect(sim.err()).toMatch(/refused the connection \(HTTP 401\); is the token right\?/)
  }, 60_000)
})
