/**
 * What goes wrong on a desk, and what the installer says about it: a board that is not in
 * download mode, an image for another chip or a broken one, the cable pulled mid-flash
 * (then a retry that works), a board whose REPL never answers, a board that never comes
 * online (with the reason read from its own output), and cancelling.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { installParams, startRig, testImage, WIFI, type Rig, type RigOptions } from './rig'

let rig: Rig | undefined
afterEach(async () => {
  await rig?.stop()
  rig = undefined
})

async function rigWith(options: RigOptions): Promise<Rig> {
  rig = await startRig(options)
  return rig
}

/** Puts MicroPython in the board's flash and boots it, as if installed before. */
async function preflashed(r: Rig): Promise<void> {
  const image = testImage()
  r.board.flash.data.set(image, 0x1000)
  await r.board.pressReset('app')
  await r.board.until('micropython')
}

describe('installer failures', () => {
  it('a board that is not in download mode: no sync, with the BOOT/EN hint', async () => {
    const r = await rigWith({ board: { romFaults: { silent: true } } })
    const localId = await r.importImage(testImage())
    const error = await r.failure('installer.run', installParams(r, localId))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toMatch(/BOOT/)
    expect(r.progress.at(-1)).toMatchObject({
      stage: 'failed',
      failure: 'NO_SYNC',
      hint: expect.stringMatching(/BOOT/),
    })
  })

  it('an image for another chip is refused before anything is erased', async () => {
    const r = await rigWith({ board: { chip: 'ESP32-S3' } })
    const localId = await r.importImage(testImage('ESP32'))
    const error = await r.failure('installer.run', installParams(r, localId, { eraseAll: true }))
    expect(error.code).toBe('BAD_INPUT')
    expect(error.message).toMatch(/built for ESP32, but the board is an ESP32-S3/)
    expect(r.board.flash.data.every((b) => b === 0xff)).toBe(true)
    expect(r.board.bootloader?.commands).not.toContain('FLASH_DEFL_BEGIN')
  })

  it('a corrupt image is refused at import', async () => {
    const r = await rigWith({})
    const image = testImage()
    image[0x40] = (image[0x40] ?? 0) ^ 0xff // inside the bootloader's first segment: checksum breaks
    const { uploadId } = await r.call('firmware.importBegin', {
      name: 'broken.bin',
      size: image.length,
    })
    await r.call('firmware.importChunk', {
      uploadId,
      index: 0,
      data: Buffer.from(image.subarray(0, 300_000)).toString('base64'),
    })
    const error = await r.failure('firmware.importFinish', { uploadId })
    expect(error).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/checksum/i) })
  })

  it('the cable pulled mid-flash fails clearly; after replugging, a retry installs', async () => {
    const r = await rigWith({ board: { romFaults: { vanishAtBlock: 1 } } })
    const localId = await r.importImage(testImage())
    const error = await r.failure('installer.run', installParams(r, localId))
    expect(error.message).toMatch(/disappeared during the operation.*plug the board back in/)
    expect(r.progress.at(-1)).toMatchObject({ stage: 'failed', failure: 'PORT_VANISHED' })
    await r.board.replug()
    const result = await r.call('installer.run', installParams(r, localId))
    expect(result).toMatchObject({ online: true, deviceId: 'esp32-a1b2c3' })
  })

  it('a board whose raw REPL never answers fails with the reset hint', async () => {
    const r = await rigWith({
      board: { repl: { refuseRawRepl: true } },
      installer: { replWaitMs: 1000 },
    })
    await preflashed(r)
    const error = await r.failure(
      'installer.run',
      installParams(r, '', { firmware: { keep: true }, device: { name: 'Shed', id: 'shed-1' } }),
    )
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toMatch(/raw REPL/i)
    expect(error.message).toMatch(/RST\/EN/)
  })

  it('a wrong Wi-Fi password fails as soon as the board reports it, quoting the board once', async () => {
    // The rig waits 20 s for "online": the failure must come long before that.
    const r = await rigWith({ board: { wifi: { ssid: WIFI.ssid, password: 'the-real-one' } } })
    await preflashed(r)
    const started = Date.now()
    const error = await r.failure(
      'installer.run',
      installParams(r, '', { firmware: { keep: true }, device: { name: 'Shed', id: 'shed-1' } }),
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(error.code).toBe('BAD_INPUT')
    expect(error.message).toMatch(
      /^The board could not join Wi-Fi: the board printed “wifi attempt \d+ failed \(status 202\)”, which means the Wi-Fi password is wrong\./,
    )
    expect(error.message).not.toMatch(/did not come online/)
    const failed = r.progress.filter((p) => p.stage === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({
      failure: 'WIFI_WRONG_PASSWORD',
      hint: expect.stringMatching(/password/),
    })
    expect(failed[0]?.message).not.toContain(failed[0]?.hint)
    expect(r.transcript.join('\n')).not.toContain(WIFI.password)
  })

  it('after a wrong password, installing again with the right one is one call: no flashing, id from the MAC', async () => {
    const r = await rigWith({})
    await preflashed(r)
    const wrong = { ssid: WIFI.ssid, password: 'not-the-password' }
    const first = await r.failure(
      'installer.run',
      installParams(r, '', { firmware: { keep: true }, wifi: wrong }),
    )
    expect(first.message).toMatch(/Wi-Fi password is wrong/)
    // The board now runs our firmware and prints its Wi-Fi failures until it is taken over;
    // they must not count against the new install.
    const result = await r.call('installer.run', installParams(r, '', { firmware: { keep: true } }))
    expect(result).toMatchObject({
      deviceId: 'esp32-a1b2c3',
      mac: '24:0a:c4:a1:b2:c3',
      chip: null,
      online: true,
    })
    expect(r.board.bootloader?.commands ?? []).not.toContain('FLASH_DEFL_BEGIN')
  })

  it('a Wi-Fi network that is not there fails as fast, pointing at 2.4 GHz', async () => {
    const r = await rigWith({ board: { wifi: { ssid: 'elsewhere', password: WIFI.password } } })
    await preflashed(r)
    const started = Date.now()
    const error = await r.failure(
      'installer.run',
      installParams(r, '', { firmware: { keep: true }, device: { name: 'Shed', id: 'shed-1' } }),
    )
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(error.message).toMatch(/status 201.*cannot find the Wi-Fi network.*2\.4 GHz/)
    expect(r.progress.at(-1)).toMatchObject({ stage: 'failed', failure: 'WIFI_NOT_FOUND' })
  })

  it('with the person’s own broker: its password reaches the board and nothing else', async () => {
    const r = await rigWith({ installer: { onlineTimeoutMs: 2500 } })
    await preflashed(r)
    const broker = {
      kind: 'external',
      host: '127.0.0.1',
      port: 1,
      tls: false,
      username: 'shed',
      password: 'br0ker-s3cret',
    }
    const error = await r.failure(
      'installer.run',
      installParams(r, '', {
        firmware: { keep: true },
        device: { name: 'Shed', id: 'shed-2' },
        broker,
      }),
    )
    expect(error.code).toBe('TIMEOUT')
    expect(error.message).toMatch(/not the broker at 127\.0\.0\.1:1\b/)
    const onBoard = r.board.micropython!.runPython(
      'import secrets\nprint(secrets.MQTT_USER, secrets.MQTT_PASSWORD)',
    )
    expect(onBoard.stdout.trim()).toBe('shed br0ker-s3cret')
    expect(r.transcript.join('\n')).not.toContain('br0ker-s3cret')
    expect(r.core.mqtt.credentials.list()).toEqual([]) // no account on the built-in broker
  })

  it('cancel during the write stops the flash at once', async () => {
    const r = await rigWith({})
    const localId = await r.importImage(testImage())
    const writing = r.next('installer.progress', (p) => p.stage === 'write' && p.stagePercent > 0)
    const run = r.failure('installer.run', installParams(r, localId))
    await writing
    expect(await r.call('installer.active', {})).toHaveLength(1)
    expect(await r.call('installer.cancel', { port: r.port })).toEqual({ cancelled: true })
    expect(await run).toMatchObject({ code: 'CANCELLED' })
    expect(r.progress.at(-1)).toMatchObject({ stage: 'failed', failure: 'CANCELLED' })
    expect(await r.call('installer.cancel', { port: r.port })).toEqual({ cancelled: false })
    expect(await r.call('installer.active', {})).toEqual([])
  })

  it('cancel while waiting for the board to come online', async () => {
    // A main.py that never connects anywhere (and never says why).
    const r = await rigWith({ board: { firmware: 'none' } })
    await preflashed(r)
    const waiting = r.next('installer.progress', (p) => p.stage === 'wait-online')
    const started = Date.now()
    const run = r.failure(
      'installer.run',
      installParams(r, '', { firmware: { keep: true }, device: { name: 'Shed', id: 'shed-1' } }),
    )
    await waiting
    await r.call('installer.cancel', { port: r.port })
    expect(await run).toMatchObject({ code: 'CANCELLED' })
    expect(Date.now() - started).toBeLessThan(15_000) // well before the 20 s online timeout
  })
})
