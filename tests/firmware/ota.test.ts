import { describe, expect, it } from 'vitest'
import { FirmwareSim } from './harness'
import { feed, makeUpdate, OTA, reboot, SECRETS_WITH_KEY, snapshot, statuses } from './ota-board'

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
