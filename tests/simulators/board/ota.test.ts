/**
 * Over-the-air updates end to end (issue 16 part A): simulated boards run the REAL firmware
 * (a child process each, MicroPython wasm) against a real broker, and the test plays the
 * app's sender over MQTT. The board's flash survives resets and power cuts in the simulator.
 * Ten boards at once run once, through the real app: tests/integration/ota/firmware-fleet.test.ts.
 */
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir'
import { startBroker } from '../../firmware/mqtt-bridge'
import { makeUpdate, OTA_KEY } from '../../firmware/ota-board'
import { buildMicroPythonLikeFirmware } from '../esp32-rom/firmware-image'
import { BoardSimulator } from './board-simulator'
import { flashVersion, installedFlash } from './installed-flash'
import { sendUpdate } from './ota-sender'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

async function broker(): Promise<{ port: number; client: MqttClient }> {
  const b = await startBroker()
  const client = await mqtt.connectAsync({ host: '127.0.0.1', port: b.port, reconnectPeriod: 0 })
  cleanups.push(async () => {
    await client.endAsync()
    await b.close()
  })
  return { port: b.port, client }
}

/** The flash as the installer leaves it, for board `n` on the broker at `port`. */
const installed = (n: number, port: number): Map<string, Buffer> =>
  installedFlash({
    id: `ota-${n.toString(16).padStart(2, '0')}`,
    broker: { host: '127.0.0.1', port },
    otaKey: OTA_KEY,
    config: { wdt_s: 0 },
  })

/** A board with MicroPython in flash and the firmware installed as the installer leaves it. */
async function board(dir: string, n: number, port: number): Promise<BoardSimulator> {
  const hex = n.toString(16).padStart(2, '0')
  const sim = await BoardSimulator.start({
    hostPath: join(dir, `tty${n}`),
    mac: `24:0a:c4:00:00:${hex}`,
    speed: 20,
  })
  cleanups.push(() => sim.close())
  sim.flash.data.set(
    buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 8192, version: 'v1.25.0' }),
    0x1000,
  )
  await sim.pressReset('app')
  await sim.until('micropython')
  for (const [path, data] of installed(n, port)) sim.micropython!.writeFile(path, data)
  await sim.pressReset('app') // boot.py (the update guard), then main.py: the firmware
  return sim
}

const running = (sim: BoardSimulator): string => flashVersion(sim.boardFiles())

describe('over-the-air update through the board simulator', () => {
  it('a full update: the board reboots into the new version and confirms it', async () => {
    const dir = await tempDir('ota-e2e-')
    cleanups.push(() => dir.cleanup())
    const { port, client } = await broker()
    const sim = await board(dir.path, 1, port)
    const u = makeUpdate('0.3.0', { update: 'u-e2e' })
    const r = await sendUpdate(client, 'ota-01', u)
    expect(r.event).toMatchObject({ event: 'update_ok', version: '0.3.0', previous: '0.2.0' })
    expect(r.states.slice(-2)).toEqual(['verifying', 'applying'])
    expect(running(sim)).toBe('0.3.0')
    expect(sim.boardFiles().has('/ota/trial.json')).toBe(false)
    expect(sim.boardFiles().get('/ota/prev/lib/iotfw/__init__.py')?.toString()).toContain('0.2.0')
  }, 90_000)

  it('power cut at a random chunk: the old version boots and the update resumes', async () => {
    const dir = await tempDir('ota-e2e-')
    cleanups.push(() => dir.cleanup())
    const { port, client } = await broker()
    const sim = await board(dir.path, 2, port)
    const u = makeUpdate('0.3.0', { update: 'u-cut' })
    const at = 8 + Math.floor(Math.random() * (u.manifest.total - 24))
    let cut = false
    const r = await sendUpdate(client, 'ota-02', u, {
      onStatus: (state, next) => {
        if (!cut && state === 'receiving' && (next ?? 0) >= at) {
          cut = true
          void sim.pressReset('app') // power off and on: the firmware process is killed
        }
      },
    })
    expect(cut).toBe(true)
    expect(r.event).toMatchObject({ event: 'update_ok', version: '0.3.0' })
    // After the cut the board said where it was, from /ota/state.json, not from 0.
    const resumed = r.states.indexOf('receiving', r.states.indexOf('receiving') + 1)
    expect(resumed).toBeGreaterThan(0)
    expect(running(sim)).toBe('0.3.0')
  }, 90_000)
})
