import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { createPtyPair, type PtyPair } from '../pty'
import { EsptoolHost } from './esptool-host'
import { Esp32RomSimulator } from './simulator'

/*
 * What esptool.py 4.x does on the wire (esptool/loader.py), replayed against the simulator
 * on a real pty: `esptool.py --chip esp32 --before no_reset --after no_reset write_flash -z`
 * twice in a row. The first run uploads the stub and flashes; `--after no_reset` leaves the
 * stub running, so the second run's SYNC is answered by the stub, which must send the
 * ROM's 8 replies (value 0), and whose FLASH_DEFL_BEGIN gets esptool's 20 bytes.
 */

interface Rig {
  sim: Esp32RomSimulator
  pty: PtyPair
  dir: string
}
let rig: Rig | undefined

afterEach(async () => {
  if (!rig) return
  await rig.sim.close()
  await rig.pty.kill()
  await rm(rig.dir, { recursive: true, force: true })
  rig = undefined
})

async function board(chip: string): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'esptool-frames-'))
  const pty = await createPtyPair({ devicePath: join(dir, 'dev'), hostPath: join(dir, 'host') })
  const sim = await Esp32RomSimulator.start({ path: pty.devicePath, chip, pty })
  rig = { sim, pty, dir }
  return rig
}

const STUB_TEXT = new Uint8Array(0x2000).fill(0x42)
const STUB_TEXT_START = 0x40080000
const image = (n: number) => new Uint8Array(n).map((_, i) => (i * 31 + (i >> 8)) & 0xff)
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex')

async function esptoolRun(path: string, chip: string, data: Uint8Array, offset: number) {
  const host = await EsptoolHost.open(path)
  try {
    await host.sync()
    await host.runStub(STUB_TEXT, STUB_TEXT_START)
    await host.spiAttach()
    return { md5: await host.writeFlashCompressed(data, offset, chip), host }
  } finally {
    await host.close()
  }
}

describe('the simulator speaks the stub protocol as esptool.py 4.x sends it', () => {
  for (const chip of ['ESP32', 'ESP32-S3']) {
    test(`${chip}: write_flash -z twice with --before/--after no_reset writes the image both times`, async () => {
      const { sim, pty } = await board(chip)
      const first = image(0x9000)
      const run1 = await esptoolRun(pty.hostPath, chip, first, 0x1000)
      expect(run1.host.syncStubDetected).toBe(false)
      expect(run1.md5).toBe(md5(first))
      expect(sim.readFlash(0x1000, first.length).equals(Buffer.from(first))).toBe(true)
      expect(sim.mode).toBe('stub')

      const second = image(0x5000).reverse()
      const run2 = await esptoolRun(pty.hostPath, chip, second, 0x10000)
      expect(run2.host.syncStubDetected).toBe(true)
      expect(run2.md5).toBe(md5(second))
      expect(sim.readFlash(0x10000, second.length).equals(Buffer.from(second))).toBe(true)
      // The second run found the stub running and did not upload it again.
      expect(sim.commands.filter((c) => c === 'MEM_BEGIN')).toHaveLength(1)
    })
  }
})
