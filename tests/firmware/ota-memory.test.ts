import { describe, expect, it } from 'vitest'
import { buildManifest, chunkPayload, packageFiles, signManifest } from '../../src/shared/ota/node'
import { FirmwareSim } from './harness'
import { injectBytes, OTA, OTA_KEY, SECRETS_WITH_KEY } from './ota-board'

/**
 * "Chunks streamed to flash, never the whole file in RAM" (issue 16): receiving a 40 KB file in
 * 1 KB chunks must not grow the live heap by more than a few KB. Live heap = what stays
 * allocated after a full collection between runPython calls (see memory.test.ts).
 */
const CLEAR_FAKE_LOGS =
  'umqtt.simple.log.clear(); dht.measures.clear(); machine.writes.clear(); network.calls.clear(); ntptime.calls.clear()'

describe('memory while receiving an update', () => {
  it('a 40 KB file in 1 KB chunks grows the live heap by less than 4 KB', async () => {
    const fw = await FirmwareSim.start({ secrets: SECRETS_WITH_KEY })
    fw.startApp()
    fw.runUntil('sim.app.link.connected', 30_000)
    fw.runFor(5_000)
    const blob = Buffer.alloc(40 * 1024)
    for (let i = 0; i < blob.length; i++) blob[i] = (i * 31 + (i >> 8)) & 0xff
    const main = Buffer.from('from iotfw import startup\nstartup.main()\n')
    const pkg = packageFiles('0.3.0', [
      { path: 'main.py', bytes: main },
      { path: 'lib/iotfw/blob.bin', bytes: blob },
    ])
    const manifest = buildManifest(pkg, 'u-mem', 1024)
    const live = (): number => {
      fw.exec(CLEAR_FAKE_LOGS)
      fw.exec('gc.collect()')
      return fw.eval<number>('gc.mem_alloc()')
    }
    const idle = live()
    fw.inject(OTA.manifest, JSON.stringify(signManifest(manifest, OTA_KEY)))
    fw.runFor(300)
    expect(fw.eval<number>('sim.app.ota.next')).toBe(0)
    // The update code is loaded only while there is an update: its bytecode is a fixed cost.
    const before = live()
    console.log(`update modules loaded: +${before - idle} B of live heap`)
    const samples: number[] = []
    // Every chunk but the last: the last one would verify, swap and reset the board.
    for (let n = 0; n < manifest.total - 1; n++) {
      injectBytes(fw, OTA.chunk, chunkPayload(pkg, manifest, n))
      if (n % 8 === 7) {
        fw.runFor(300)
        samples.push(live())
      }
    }
    fw.runFor(300)
    samples.push(live())
    expect(fw.eval<number>('sim.app.ota.next')).toBe(manifest.total - 1)
    expect(fw.fs.readFile('/ota/new/lib/iotfw/blob.bin').length).toBe(
      (manifest.total - 1) * 1024 - main.length,
    )
    const growth = Math.max(...samples) - before
    console.log(
      `live heap while receiving 40 KB: +${growth} B (samples ${samples.map((s) => s - before).join(', ')})`,
    )
    expect(growth).toBeLessThan(4096)
    // Flat, not proportional to what was received so far.
    expect(Math.abs(samples.at(-1)! - samples[0]!)).toBeLessThan(1024)
  })
})

describe('memory when no update is running', () => {
  it('the update code is loaded for a message and unloaded once idle again', async () => {
    const fw = await FirmwareSim.start({ secrets: SECRETS_WITH_KEY })
    fw.startApp()
    fw.runUntil('sim.app.link.connected', 30_000)
    fw.runFor(5_000)
    const live = (): number => {
      fw.exec(CLEAR_FAKE_LOGS)
      fw.exec('gc.collect()')
      return fw.eval<number>('gc.mem_alloc()')
    }
    const idle = live()
    expect(fw.eval<boolean>('sim.app.ota is None')).toBe(true)
    fw.inject(OTA.manifest, JSON.stringify({ update: null })) // a status query
    fw.runFor(1_000)
    expect(fw.publishes(OTA.status).map((p) => p.msg)).toEqual([
      '{"update": null, "state": "idle"}',
    ])
    expect(fw.eval<boolean>('sim.app.ota is None')).toBe(true)
    // What stays: the names MicroPython interned (its qstr pool is never freed), ~1 KB.
    expect(live() - idle).toBeLessThan(2048)
  })
})
