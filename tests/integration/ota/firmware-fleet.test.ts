/**
 * Issue 16 item 5: an update to 10 simulated boards at once, end to end. Each board runs the
 * REAL firmware (firmware/, MicroPython wasm, its own process) logged in to the built-in
 * broker of a real `serve` with its own account, and `npm run cli -- update --all` sends a
 * new version: the first board alone, then the rest four at a time. Every board must swap,
 * reboot through the update guard, pass its trial and report the new version.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateOtaKey } from '../../../src/shared/ota/node'
import { tempDir } from '../../helpers/temp-dir'
import type { RpcSocket } from '../../helpers/rpc-socket'
import { FirmwareBoard } from '../../simulators/board/firmware-board'
import { flashVersion, installedFlash } from '../../simulators/board/installed-flash'
import { ROOT, runCli, startServe, type OtaServe } from './ota-serve'

const COUNT = Number(process.env.OTA_FLEET ?? 10)
/** Fake ms per real ms on the boards: the trial's 30 s online pass takes 1.5 s. */
const SPEED = 20
const log = process.env.FW_ECHO === '1' ? (line: string) => console.log(line) : undefined

describe(`an update to ${COUNT} boards running the real firmware`, () => {
  let dir: { path: string; cleanup: () => Promise<void> }
  let serve: OtaServe
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
    dir = await tempDir('ota-fleet-')
    const data = join(dir.path, 'data')
    mkdirSync(data, { recursive: true })
    const keys = Object.fromEntries(ids.map((id) => [id, generateOtaKey()]))
    writeFileSync(join(data, 'ota-keys.json'), JSON.stringify({ version: 1, keys }), {
      mode: 0o600,
    })
    serve = await startServe(data)
    rpc = serve.rpc
    const port = serve.brokerPort
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
    await serve?.stop()
    await dir?.cleanup()
  })

  it('every board swaps, passes its trial and reports the new version; the CLI exits 0', async () => {
    const started = Date.now()
    const result = await runCli([
      'update',
      '--server',
      serve.url,
      '--all',
      '--files',
      join(dir.path, 'next'),
      '--json',
    ])
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
    // A board that did not finish says why (its reason and message) in the failure.
    const results = job.devices.map((d) => [d.id, d.state === 'done' ? d.state : JSON.stringify(d)])
    expect(results).toEqual(ids.map((id) => [id, 'done']).sort())
    expect(result.code).toBe(0)
    const canary = job.devices.find((d) => d.canary)
    const took = (d: { startedAt: number; finishedAt: number }) =>
      ((d.finishedAt - d.startedAt) / 1000).toFixed(1)
    console.log(`per board (s): ${job.devices.map((d) => `${d.id} ${took(d)}`).join(', ')}`)
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
