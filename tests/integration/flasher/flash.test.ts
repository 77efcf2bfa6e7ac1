import { once } from 'node:events'
import { afterEach, describe, expect, test } from 'vitest'
import { startRig, type Rig } from './rig'

let rig: Rig | undefined
afterEach(async () => {
  await rig?.stop()
  rig = undefined
})

const allFF = (bytes: Uint8Array) => bytes.every((b) => b === 0xff)

describe('flashing through esptool-js over a real pty', () => {
  test('an ESP32 gets the image at 0x1000 via the stub at 460800, byte for byte, then runs it', async () => {
    rig = await startRig({ chip: 'ESP32' })
    const appStarted = once(rig.sim, 'app-started')
    const result = await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath })

    expect(result.offset).toBe(0x1000)
    expect(result.usedStub).toBe(true)
    expect(result.baudRate).toBe(460800)
    expect(rig.sim.baudRate).toBe(460800)
    expect(result.chip).toMatchObject({
      chip: 'ESP32',
      mac: '24:0a:c4:12:34:56',
      flashSizeBytes: 4 << 20,
    })
    expect(rig.sim.readFlash(0x1000, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
    expect(allFF(rig.sim.readFlash(0, 0x1000))).toBe(true)
    expect(allFF(rig.sim.readFlash(0x1000 + rig.image.length, 0x10000))).toBe(true)
    expect(result.md5).toBe(rig.sim.flash.md5(0x1000, rig.image.length).toString('hex'))
    // Without DTR/RTS the stub's RUN_USER_CODE (sent without waiting for a reply) starts it.
    await appStarted
    expect(rig.sim.mode).toBe('app')
    expect(rig.sim.commands).toContain('MEM_END')
    expect(rig.sim.commands.at(-1)).toBe('RUN_USER_CODE')
  })

  test('progress reports stages in order, and writing bytes, percent and speed up to 100 %', async () => {
    rig = await startRig({ chip: 'ESP32' })
    await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath })

    const stages = [...new Set(rig.progress.map((p) => p.stage))]
    expect(stages).toEqual([
      'connecting',
      'detecting',
      'validating',
      'loading-stub',
      'changing-baud',
      'writing',
      'verifying',
      'resetting',
      'done',
    ])
    const writing = rig.progress.filter((p) => p.stage === 'writing')
    expect(writing.length).toBeGreaterThan(1)
    const done = writing.map((p) => p.bytesDone)
    expect(done).toEqual([...done].sort((a, b) => a - b))
    expect(writing.at(-1)).toMatchObject({ percent: 100, etaSeconds: 0 })
    expect(writing.at(-1)?.bytesDone).toBe(writing.at(-1)?.bytesTotal)
    expect(writing.some((p) => p.bytesPerSecond > 0)).toBe(true)
    expect(rig.progress.every((p) => p.port === rig?.pty.hostPath)).toBe(true)
  })

  test('an ESP32-S3 is flashed at 0x0 by the ROM loader alone (no stub)', async () => {
    rig = await startRig({ chip: 'ESP32-S3' })
    const appStarted = once(rig.sim, 'app-started')
    const result = await rig.service.flash({
      port: rig.pty.hostPath,
      imagePath: rig.imagePath,
      useStub: false,
    })

    expect(result).toMatchObject({ offset: 0, usedStub: false })
    expect(rig.sim.readFlash(0, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
    expect(rig.sim.commands).not.toContain('MEM_BEGIN')
    expect(rig.sim.commands).toEqual(
      expect.arrayContaining(['SPI_ATTACH', 'SPI_SET_PARAMS', 'FLASH_DEFL_BEGIN']),
    )
    // ROM exit: FLASH_BEGIN(0) + FLASH_END("run user code").
    await appStarted
    expect(rig.sim.commands.slice(-2)).toEqual(['FLASH_BEGIN', 'FLASH_END'])
    expect(rig.sim.mode).toBe('app')
  })

  test('erase-all clears old data outside the image before writing', async () => {
    rig = await startRig({ chip: 'ESP32-C3' })
    rig.sim.flash.program(0x300000, new Uint8Array(4096).fill(0x42))
    await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath, eraseAll: true })

    expect(allFF(rig.sim.readFlash(0x300000, 4096))).toBe(true)
    expect(rig.sim.readFlash(0, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
    expect(rig.sim.commands).toContain('ERASE_FLASH')
  })

  test('keeps 115200 when the chip ignores CHANGE_BAUDRATE, and still flashes', async () => {
    rig = await startRig({ chip: 'ESP32', faults: { ignoreBaudChange: true } })
    const result = await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath })

    expect(result.baudRate).toBe(115200)
    expect(rig.sim.baudRate).toBe(115200)
    expect(rig.sim.readFlash(0x1000, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
  })

  test.each(['ESP32', 'ESP32-S2', 'ESP32-S3', 'ESP32-C3', 'ESP32-C6'])(
    'detect identifies %s with MAC, crystal and flash size',
    async (chip) => {
      rig = await startRig({ chip })
      const info = await rig.service.detect({ port: rig.pty.hostPath })
      expect(info).toMatchObject({
        chip,
        mac: '24:0a:c4:12:34:56',
        crystalMhz: 40,
        flashSizeBytes: 4 << 20,
        bootloaderOffset: chip === 'ESP32' || chip === 'ESP32-S2' ? 0x1000 : 0,
      })
      expect(info.description).toContain(chip === 'ESP32' ? 'ESP32-D0WD-V3' : chip)
      expect(rig.sim.mode).toBe('rom')
    },
  )
})
