import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { FirmwareSim } from './harness'
import {
  feed,
  isReset,
  makeUpdate,
  OTA,
  reboot,
  SECRETS_WITH_KEY,
  snapshot,
  type Update,
} from './ota-board'

async function board(): Promise<FirmwareSim> {
  const fw = await FirmwareSim.start({ secrets: SECRETS_WITH_KEY })
  fw.startApp()
  fw.runUntil('sim.app.link.connected', 30_000)
  return fw
}

const version = (fw: FirmwareSim): string => fw.eval<string>('__import__("iotfw").VERSION')
const online = (fw: FirmwareSim): number => fw.runUntil('sim.app.link.connected', 60_000)

/** Every application file on the board is byte for byte the package's (nothing else there). */
function expectRunning(fw: FirmwareSim, u: Update): void {
  const files = snapshot(fw)
  const app = [...files.keys()].filter((p) => p === '/main.py' || p.startsWith('/lib/iotfw/'))
  expect(app.sort()).toEqual(u.manifest.files.map((f) => `/${f.path}`).sort())
  for (const f of u.manifest.files) {
    const sha = createHash('sha256')
      .update(files.get(`/${f.path}`)!)
      .digest('hex')
    expect(sha, f.path).toBe(f.sha256)
  }
}

/** Runs an update to its end with the power cut at flash operation `cut`, then goes on. */
async function updateWithPowerCut(u: Update, cut: number): Promise<FirmwareSim> {
  let fw = await board()
  fw.exec(`import fake_os; fake_os.power_cut_after(${cut})`)
  fw.inject(OTA.manifest, u.payload)
  expect(feed(fw, u)).toBe('reset')
  expect(fw.eval<string[]>('fake_os.cut["log"]')).toHaveLength(1) // the power did go off
  let { fw: next } = await reboot(snapshot(fw))
  if (version(next) === '0.2.0') {
    // Powered up on the old version: the app sends the manifest again once it is online.
    online(next)
    next.inject(OTA.manifest, u.payload)
    expect(feed(next, u)).toBe('reset')
    next = (await reboot(snapshot(next))).fw
  }
  fw = next
  expect(version(fw)).toBe('0.3.0')
  expectRunning(fw, u)
  return fw
}

describe('power cuts during an update', () => {
  it('counts the flash operations of a whole update, then cuts the power at random ones', async () => {
    const u = makeUpdate('0.3.0')
    const fw = await board()
    fw.exec('import fake_os; fake_os.power_cut_after(10**9)')
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u)).toBe('reset')
    const total = fw.eval<number>('fake_os.cut["ops"]')
    expect(total).toBeGreaterThan(u.manifest.total * 2) // every chunk is an open and a write
    // The last ~6 operations per file are the swap (move out, move in, journal).
    const swapStart = total - u.manifest.files.length * 6
    const seed = Number(process.env.OTA_SEED ?? Date.now() % 100_000)
    const rnd = (lo: number, hi: number, k: number): number =>
      lo + ((seed * 7919 + k * 104_729) % (hi - lo))
    const cuts = [rnd(1, swapStart, 1), rnd(swapStart, total, 2), total - 2]
    console.log(`power cuts at flash operations ${cuts.join(', ')} of ${total} (OTA_SEED=${seed})`)
    for (const cut of cuts) {
      const after = await updateWithPowerCut(u, cut)
      after.runFor(40_000)
      expect(
        after.events().find((e) => e.event === 'update_ok'),
        `seed ${seed} cut ${cut}`,
      ).toBeDefined()
    }
  }, 120_000)

  it('a reboot mid-transfer resumes from the saved chunk instead of starting over', async () => {
    const u = makeUpdate('0.3.0')
    const fw = await board()
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u, { maxRounds: 3 })).toBe('stalled')
    const { fw: again } = await reboot(snapshot(fw))
    online(again)
    again.runFor(300)
    const resumed = again.publishes(OTA.status).map((p) => JSON.parse(p.msg) as { next: number })
    expect(resumed[0]?.next).toBeGreaterThanOrEqual(16)
    expect(resumed[0]).toMatchObject({ update: 'u-test', state: 'receiving' })
    expect(feed(again, u)).toBe('reset')
    expect(version((await reboot(snapshot(again))).fw)).toBe('0.3.0')
  })
})

describe('a new version that does not work is rolled back by the board itself', () => {
  it('raises on import: the guard rolls back at once and the old version reports it', async () => {
    const u = makeUpdate('0.3.0', {
      edit: { 'lib/iotfw/ntp.py': 'raise ImportError("no module named foo")\n' },
    })
    const fw = await board()
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u)).toBe('reset')
    const { fw: back, boots } = await reboot(snapshot(fw))
    expect(boots).toEqual(['reset: machine.reset()', 'returned'])
    expect(version(back)).toBe('0.2.0')
    online(back)
    back.runFor(500)
    expect(back.events().find((e) => e.event === 'update_failed')).toMatchObject({
      version: '0.3.0',
      previous: '0.2.0',
      reason: 'import_error',
      rolled_back: true,
      error: expect.stringContaining('no module named foo'),
    })
    expect(back.readFile('/ota/result.json')).toBeNull() // reported once
    expect(back.readFile('/ota/trial.json')).toBeNull()
  })

  it('crashes on every start: rolled back after 3 boots (reason crashed)', async () => {
    const u = makeUpdate('0.3.0', {
      edit: {
        'lib/iotfw/led.py':
          'class Led:\n    def __init__(self, pin):\n        raise RuntimeError("led")\n',
      },
    })
    const fw = await board()
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u)).toBe('reset')
    let image = snapshot(fw)
    const runs: string[] = []
    for (let i = 0; i < 4; i++) {
      const b = await FirmwareSim.start({ image })
      const r = b.runFile('/boot.py', 5_000)
      runs.push(r === 'returned' ? b.runFile('/main.py', 30_000) : `boot ${r}`)
      image = snapshot(b)
    }
    expect(runs).toEqual([
      'reset: machine.reset()',
      'reset: machine.reset()',
      'reset: machine.reset()',
      'boot reset: machine.reset()',
    ])
    const { fw: back } = await reboot(image)
    expect(version(back)).toBe('0.2.0')
    online(back)
    back.runFor(500)
    expect(back.events().find((e) => e.event === 'update_failed')).toMatchObject({
      version: '0.3.0',
      reason: 'crashed',
      rolled_back: true,
    })
  })

  it('never comes online within 300 s: rolled back (reason not_online)', async () => {
    const u = makeUpdate('0.3.0')
    const fw = await board()
    fw.inject(OTA.manifest, u.payload)
    expect(feed(fw, u)).toBe('reset')
    const { fw: trial } = await reboot(snapshot(fw))
    trial.exec('umqtt.simple.broker_up = False')
    let reset = ''
    try {
      trial.runFor(320_000)
    } catch (error) {
      if (!isReset(error)) throw error
      reset = String(error)
    }
    expect(reset).toContain('Reset')
    expect(trial.elapsed()).toBeGreaterThanOrEqual(300_000)
    const { fw: back } = await reboot(snapshot(trial))
    expect(version(back)).toBe('0.2.0')
    online(back)
    back.runFor(500)
    expect(back.events().find((e) => e.event === 'update_failed')).toMatchObject({
      reason: 'not_online',
      rolled_back: true,
    })
  })
})
