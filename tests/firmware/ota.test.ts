import { describe, expect, it } from 'vitest'
import { signManifest } from '../../src/shared/ota/node'
import { FirmwareSim } from './harness'
import {
  feed,
  injectBytes,
  makeUpdate,
  OTA,
  OTA_KEY,
  reboot,
  SECRETS_WITH_KEY,
  snapshot,
  statuses,
} from './ota-board'

/** A board online with OTA_KEY, its app built as main.py does. */
async function board(over: Parameters<typeof FirmwareSim.start>[0] = {}): Promise<FirmwareSim> {
  const fw = await FirmwareSim.start({ secrets: SECRETS_WITH_KEY, ...over })
  fw.startApp()
  fw.runUntil('sim.app.link.connected', 30_000)
  return fw
}

const fwVersion = (fw: FirmwareSim): string => fw.eval<string>('__import__("iotfw").VERSION')

describe('over-the-air update (docs/ota.md)', () => {
  it('receives, verifies, swaps, reboots into the new version and confirms it', async () => {
    const fw = await board()
    expect(fw.eval<string[]>('sim.app.link.client.subs')).toContain('iot/esp32-a1b2c3/ota/+')
    const u = makeUpdate('0.3.0')
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u)).toBe('reset')
    const states = statuses(fw).map((s) => s.state)
    expect(states[0]).toBe('receiving')
    expect(states.slice(-2)).toEqual(['verifying', 'applying'])
    const { fw: fw2, boots } = await reboot(snapshot(fw))
    expect(boots).toEqual(['returned'])
    expect(fwVersion(fw2)).toBe('0.3.0')
    expect(fw2.readFile('/ota/trial.json')).toContain('"boots": 1')
    fw2.runFor(45_000)
    expect(fw2.events().find((e) => e.event === 'update_ok')).toMatchObject({
      version: '0.3.0',
      previous: '0.2.0',
    })
    expect(fw2.readFile('/ota/trial.json')).toBeNull()
    expect(fw2.readFile('/ota/prev/lib/iotfw/__init__.py')).toContain('VERSION = "0.2.0"')
    expect(fw2.readFile('/ota/new/main.py')).toBeNull()
  })
})

describe('refusals: checked before anything is written', () => {
  const failure = (fw: FirmwareSim): Record<string, unknown> | undefined =>
    fw.events().find((e) => e.event === 'update_failed')

  it('a manifest signed with another key: bad_signature, status and event', async () => {
    const fw = await board()
    fw.inject(OTA.manifest, makeUpdate('0.3.0', { key: 'ab'.repeat(32) }).payload)
    fw.runFor(500)
    expect(statuses(fw)).toEqual([{ update: 'u-test', state: 'failed', reason: 'bad_signature' }])
    expect(failure(fw)).toMatchObject({
      reason: 'bad_signature',
      update: 'u-test',
      version: '0.2.0',
    })
    expect(fw.readFile('/ota/state.json')).toBeNull()
  })

  it('a board without OTA_KEY refuses every update as unsigned', async () => {
    const fw = await board({ secrets: undefined })
    fw.inject(OTA.manifest, makeUpdate('0.3.0').payload)
    fw.runFor(500)
    expect(statuses(fw).at(-1)).toMatchObject({ state: 'failed', reason: 'unsigned' })
    expect(failure(fw)).toMatchObject({ reason: 'unsigned', rolled_back: false })
  })

  it('not enough free space: no_space with need and free, and nothing written', async () => {
    const fw = await board()
    fw.exec('import fake_os; fake_os.free = 40960')
    const u = makeUpdate('0.3.0')
    fw.inject(OTA.manifest, u.payload)
    fw.runFor(500)
    const need = u.pkg.stream.length + 16 * 1024
    expect(statuses(fw)).toEqual([
      { update: 'u-test', state: 'failed', reason: 'no_space', need, free: 40960 },
    ])
    expect(failure(fw)).toMatchObject({ reason: 'no_space', need, free: 40960 })
    expect(fw.eval<boolean>('__import__("otaguard").exists("/ota")')).toBe(false)
  })

  it('a manifest that breaks the rules is bad_manifest, a hostile payload changes nothing', async () => {
    const fw = await board()
    const u = makeUpdate('0.3.0')
    const evil = { ...u.manifest, files: [{ path: '../boot.py', size: 1, sha256: '0'.repeat(64) }] }
    // One at a time: the board keeps at most 4 outgoing messages while it is busy.
    for (const payload of [
      JSON.stringify(signManifest({ ...evil, total: 1 }, OTA_KEY)),
      '{"m": 12',
      'x'.repeat(20_000),
    ]) {
      fw.inject(OTA.manifest, payload)
      fw.runFor(300)
    }
    injectBytes(fw, OTA.chunk, Buffer.alloc(3))
    fw.runFor(300)
    expect(statuses(fw).map((s) => s.reason)).toEqual([
      'bad_manifest',
      'bad_manifest',
      'bad_manifest',
    ])
    expect(fw.eval<boolean>('sim.app.link.connected')).toBe(true)
    expect(fw.readFile('/ota/state.json')).toBeNull()
  })

  it('a chunk with a bad CRC is asked for again; three in a row fail the update', async () => {
    const fw = await board()
    const u = makeUpdate('0.3.0')
    fw.inject(OTA.manifest, u.payload)
    let flips = 0
    const once = (n: number, p: Buffer): Buffer => {
      if (n !== 5 || flips++ > 0) return p
      const bad = Buffer.from(p)
      bad[40] = (bad[40] ?? 0) ^ 0xff
      return bad
    }
    expect(feed(fw, u, { mangle: once })).toBe('reset')
    expect(statuses(fw)).toContainEqual({
      update: 'u-test',
      state: 'receiving',
      next: 5,
      total: u.manifest.total,
      retry: true,
    })

    const fw2 = await board()
    fw2.inject(OTA.manifest, u.payload)
    const always = (n: number, p: Buffer): Buffer =>
      n === 5 ? Buffer.concat([p.subarray(0, 12), Buffer.alloc(p.length - 12)]) : p
    expect(feed(fw2, u, { mangle: always })).toBe('failed')
    expect(statuses(fw2).at(-1)).toMatchObject({ state: 'failed', reason: 'corrupt_chunk' })
    expect(fw2.readFile('/ota/new/main.py')).toBeNull() // staging wiped
  })

  it('a file whose bytes do not match its SHA-256 fails verification: hash_mismatch, path', async () => {
    const fw = await board()
    const u = makeUpdate('0.3.0')
    const files = u.manifest.files.map((f) =>
      f.path === 'lib/iotfw/app.py' ? { ...f, sha256: 'e'.repeat(64) } : f,
    )
    const m = { ...u.manifest, files }
    const bad = { ...u, manifest: m, payload: JSON.stringify(signManifest(m, OTA_KEY)) }
    fw.inject(OTA.manifest, bad.payload)
    expect(feed(fw, bad)).toBe('failed')
    expect(statuses(fw).at(-1)).toMatchObject({ reason: 'hash_mismatch', path: 'lib/iotfw/app.py' })
    expect(fwVersion(fw)).toBe('0.2.0')
  })

  it('cancel before the swap wipes the staging; a manifest query answers idle', async () => {
    const fw = await board()
    const u = makeUpdate('0.3.0')
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u, { maxRounds: 3 })).toBe('stalled')
    fw.inject(OTA.cancel, JSON.stringify({ update: 'u-test' }))
    fw.inject(OTA.manifest, JSON.stringify({ update: null }))
    fw.runFor(500)
    expect(statuses(fw).slice(-2)).toEqual([
      { update: 'u-test', state: 'cancelled' },
      { update: null, state: 'idle' },
    ])
    expect(fw.readFile('/ota/state.json')).toBeNull()
    expect(fw.readFile('/ota/new/main.py')).toBeNull()
  })
})
