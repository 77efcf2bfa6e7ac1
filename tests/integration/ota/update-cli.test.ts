/**
 * `npm run cli -- update` as a script runs it: the built out/main/cli.js against a running
 * web mode (out/main/serve.js) whose built-in broker the boards log in to with their own
 * device accounts; the app signs with the keys it keeps in ota-keys.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connectAsync } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateOtaKey } from '../../../src/shared/ota/node'
import { tempDir } from '../../helpers/temp-dir'
import type { RpcSocket } from '../../helpers/rpc-socket'
import { FakeOtaBoard } from '../../simulators/ota/fake-ota-board'
import { writeFirmware } from './ota-harness'
import { runCli as cli, startServe, type OtaServe } from './ota-serve'

describe('npm run cli -- update', () => {
  let dir: { path: string; cleanup: () => Promise<void> }
  let serve: OtaServe
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
    dir = await tempDir('ota-cli-')
    const data = join(dir.path, 'data')
    mkdirSync(data, { recursive: true })
    for (const id of ['c1', 'c2', 'c3', 'off1', 'rb1']) keys[id] = generateOtaKey()
    // What the installer left behind for these boards.
    writeFileSync(
      join(data, 'ota-keys.json'),
      JSON.stringify({ version: 1, keys: { ...keys, wrong: generateOtaKey() } }),
      { mode: 0o600 },
    )
    files = await writeFirmware(dir.path, '0.3.0')
    serve = await startServe(data)
    url = serve.url
    rpc = serve.rpc
    brokerUrl = `mqtt://127.0.0.1:${serve.brokerPort}`
  }, 90_000)

  afterAll(async () => {
    for (const b of boards) await b.close()
    await serve?.stop()
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

  it('exits 1 when the new version is rolled back, and says which version the board went back to', async () => {
    const rb = await board('rb1')
    rb.faults.crash = true
    const result = await cli(['update', '--server', url, '--device', 'rb1', '--files', files])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /rb1\s+failed\s+crashed\s+.*kept crashing: rolled back to 0\.1\.0/,
    )
    expect(rb.version).toBe('0.1.0')
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
