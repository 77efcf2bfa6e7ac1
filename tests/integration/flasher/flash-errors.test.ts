import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import { afterEach, describe, expect, test } from 'vitest'
import { FlasherError } from '../../../src/main/core/flasher'
import { buildMicroPythonLikeFirmware } from '../../simulators/esp32-rom/firmware-image'
import { startRig, type Rig } from './rig'

let rig: Rig | undefined
afterEach(async () => {
  await rig?.stop()
  rig = undefined
})

/** Resolves with the FlasherError a promise rejects with (fails the test otherwise). */
async function failure(promise: Promise<unknown>): Promise<FlasherError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  )
  if (!(error instanceof FlasherError)) throw error
  return error
}

const untouched = (r: Rig) => r.sim.readFlash(0, 0x200000).every((b) => b === 0xff)

describe('flasher failures are clear and recoverable', () => {
  test('a board that never answers gives NO_SYNC with the hold-BOOT guidance', async () => {
    rig = await startRig({ faults: { silent: true } })
    const error = await failure(rig.service.detect({ port: rig.pty.hostPath }))
    expect(error.failure).toBe('NO_SYNC')
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.hint).toMatch(/hold BOOT/i)
  })

  test('an image for another chip is refused before anything is uploaded or erased', async () => {
    rig = await startRig({ chip: 'ESP32' })
    const s3Image = join(rig.dir, 's3.bin')
    await writeFile(s3Image, buildMicroPythonLikeFirmware({ chip: 'ESP32-S3', appSize: 8192 }))
    const error = await failure(rig.service.flash({ port: rig.pty.hostPath, imagePath: s3Image }))
    expect(error.failure).toBe('WRONG_CHIP')
    expect(error.message).toContain('ESP32-S3')
    expect(rig.sim.commands).not.toContain('MEM_BEGIN')
    expect(untouched(rig)).toBe(true)
  })

  test('a corrupt image (bad checksum) is refused and the flash is untouched', async () => {
    rig = await startRig()
    const corrupt = Uint8Array.from(rig.image)
    corrupt[0x40] = (corrupt[0x40] ?? 0) ^ 0xff // inside the bootloader's first segment
    await writeFile(rig.imagePath, corrupt)
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }),
    )
    expect(error.failure).toBe('INVALID_IMAGE')
    expect(untouched(rig)).toBe(true)
  })

  test('a checksum error reply on one block is retried and the flash still succeeds', async () => {
    rig = await startRig({ faults: { badChecksum: { seq: 1, times: 1 } } })
    await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath })
    expect(rig.sim.readFlash(0x1000, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
    expect(rig.sim.commands.filter((c) => c === 'FLASH_DEFL_DATA').length).toBeGreaterThan(2)
  })

  test('persistent checksum error replies fail the write with WRITE_FAILED naming the error', async () => {
    rig = await startRig({ faults: { badChecksum: { seq: 1, times: 10 } } })
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }),
    )
    expect(error.failure).toBe('WRITE_FAILED')
    expect(error.message).toMatch(/checksum error.*0xc1/)
  })

  test('a board that stops answering mid-transfer times out without waiting for esptool retries', async () => {
    rig = await startRig({ faults: { stallAtBlock: 2 } })
    let stalledAt = 0
    rig.sim.on('data-block', ({ seq }) => seq === 2 && (stalledAt ||= Date.now()))
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }),
    )
    expect(error.failure).toBe('TIMEOUT')
    // The 1.5 s stall watchdog, not esptool-js's 3 attempts of 3 s each.
    expect(Date.now() - stalledAt).toBeLessThan(6000)
  })

  test('a flash cell that reads back wrong fails MD5 verification', async () => {
    rig = await startRig({ faults: { corruptFlashAt: 0x1000 + 0x20 } })
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }),
    )
    expect(error.failure).toBe('VERIFY_FAILED')
  })

  test('an unplugged board gives PORT_VANISHED at once, and Retry after replugging works', async () => {
    rig = await startRig({ faults: { vanishAtBlock: 2 } })
    let vanishedAt = 0
    rig.sim.once('vanished', () => (vanishedAt = Date.now()))
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }),
    )
    expect(error.failure).toBe('PORT_VANISHED')
    expect(Date.now() - vanishedAt).toBeLessThan(2000) // esptool-js alone would wait 3 s per attempt

    await rig.replug()
    await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath })
    expect(rig.sim.readFlash(0x1000, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
  })

  test('cancel mid-write stops between blocks, returns the chip to its ROM loader, and Retry works', async () => {
    rig = await startRig({ appSize: 160 * 1024 })
    const controller = new AbortController()
    rig.service.on('progress', (p) => {
      if (p.stage === 'writing' && p.bytesDone > 0) controller.abort()
    })
    const rebooted = once(rig.sim, 'reboot')
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }, controller.signal),
    )
    expect(error.failure).toBe('CANCELLED')
    await rebooted // FLASH_BEGIN(0) + FLASH_END(reboot): the stub hands back to the ROM loader
    expect(rig.sim.mode).toBe('rom')
    expect(rig.sim.readFlash(0x1000, rig.image.length).equals(Buffer.from(rig.image))).toBe(false)

    rig.service.removeAllListeners('progress')
    await rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath })
    expect(rig.sim.readFlash(0x1000, rig.image.length).equals(Buffer.from(rig.image))).toBe(true)
  })

  test('service.cancel() also stops a running operation (here: while trying to sync)', async () => {
    rig = await startRig({ faults: { silent: true }, service: { connectAttempts: 7 } })
    rig.service.once('progress', () => rig?.service.cancel()) // the 'connecting' stage
    const error = await failure(
      rig.service.flash({ port: rig.pty.hostPath, imagePath: rig.imagePath }),
    )
    expect(error.failure).toBe('CANCELLED')
    expect(rig.service.cancel()).toBe(false)
  })

  test('a port held by another program gives PORT_BUSY', async () => {
    rig = await startRig()
    const hostPath = rig.pty.hostPath
    const other = await new Promise<SerialPort>((resolve, reject) => {
      const port = new SerialPort({ path: hostPath, baudRate: 115200 }, (e) =>
        e ? reject(e) : resolve(port),
      )
    })
    try {
      const error = await failure(rig.service.detect({ port: hostPath }))
      expect(error.failure).toBe('PORT_BUSY')
      expect(error.code).toBe('CONFLICT')
    } finally {
      await new Promise((resolve) => other.close(resolve))
    }
  })

  test('a port path that does not exist gives PORT_NOT_FOUND', async () => {
    rig = await startRig()
    const error = await failure(rig.service.detect({ port: join(rig.dir, 'ttyUSB9') }))
    expect(error.failure).toBe('PORT_NOT_FOUND')
  })
})
