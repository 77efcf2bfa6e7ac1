/**
 * `npm run simulate` as a person runs it (from source: Node transforms the TypeScript), against
 * a real aedes broker: flags, id prefixes, two copies side by side, clean Ctrl+C.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hostIdPrefix } from '../../../src/main/core/simulator/id-prefix'

const ROOT = resolve(__dirname, '../../..')
let broker: Aedes
let server: Server
let url: string
let watcher: MqttClient
let lockTmp: string
const children: ChildProcess[] = []

beforeAll(async () => {
  broker = await Aedes.createBroker()
  server = createServer(broker.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  watcher = await connectAsync(url, { clientId: 'cli-watcher' })
  await watcher.subscribeAsync('iot/#')
  lockTmp = mkdtempSync(join(tmpdir(), 'simulate-cli-'))
})
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})
afterAll(async () => {
  await watcher.endAsync()
  await new Promise<void>((r) => broker.close(() => r()))
  server.close()
  rmSync(lockTmp, { recursive: true, force: true })
})

interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exit: Promise<number | null>
}

function simulate(args: string[]): Run {
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--experimental-transform-types',
      '--import',
      './tests/simulators/ts-register.mjs',
      'src/main/simulate.ts',
      ...args,
    ],
    // TMPDIR: this test's own lock folder, not the one a person's copies use.
    { cwd: ROOT, env: { ...process.env, TMPDIR: lockTmp }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return { child, stdout: () => out, stderr: () => err, exit }
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('npm run simulate', () => {
  it('documents up to 10,000 devices and the id prefix, and refuses more', async () => {
    const help = simulate(['--help'])
    expect(await help.exit).toBe(0)
    expect(help.stdout()).toContain('--id-prefix P')
    expect(help.stdout()).toContain('1 to 10,000')
    const tooMany = simulate(['--devices', '10001'])
    expect(await tooMany.exit).toBe(1)
    expect(tooMany.stderr()).toContain('--devices must be a whole number from 1 to 10000')
    const badPrefix = simulate(['--id-prefix', 'a/b'])
    expect(await badPrefix.exit).toBe(1)
  })

  it('runs a fleet under --id-prefix and says offline for each device on Ctrl+C', async () => {
    const statuses = new Map<string, string>()
    const onMessage = (topic: string, payload: Buffer) => statuses.set(topic, payload.toString())
    watcher.on('message', onMessage)
    try {
      const run = simulate([
        '--devices',
        '3',
        '--rate',
        '5',
        '--broker',
        url,
        '--id-prefix',
        'cli-',
      ])
      await until(
        () => run.stdout().includes('3 virtual devices (cli-001 … cli-003)'),
        'start line',
      )
      await until(() => statuses.has('iot/cli-003/telemetry'), 'telemetry')
      run.child.kill('SIGINT')
      expect(await run.exit).toBe(0)
      await until(() => statuses.get('iot/cli-002/status') === 'offline', 'offline')
    } finally {
      watcher.off('message', onMessage)
    }
  })

  it('gives a second copy on the same machine its own default prefix', async () => {
    const base = hostIdPrefix(hostname())
    const first = simulate(['--devices', '2', '--broker', url])
    await until(() => first.stdout().includes(`(${base}001 … ${base}002)`), 'first copy')
    const second = simulate(['--devices', '2', '--broker', url])
    await until(() => second.stdout().includes(`(${base}2-001 … ${base}2-002)`), 'second copy')
    first.child.kill('SIGINT')
    second.child.kill('SIGINT')
    expect([await first.exit, await second.exit]).toEqual([0, 0])
  })
})
