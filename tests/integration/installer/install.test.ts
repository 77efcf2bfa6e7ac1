/**
 * The one-click install end to end, as the UI calls it: a simulated ESP32 on a real pty
 * (ROM bootloader → MicroPython REPL → the real firmware under MicroPython wasm), the
 * app's core with its embedded broker, and installer.run through the contract.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectFirmwareFiles } from '../../../src/main/core/provisioning'
import type { InstallResult } from '../../../src/shared/contract/installer'
import { FIRMWARE_DIR, installParams, startRig, testImage, WIFI, type Rig } from './rig'

describe('installer.run on a board in download mode', () => {
  let rig: Rig
  let result: InstallResult
  const image = testImage()

  beforeAll(async () => {
    rig = await startRig()
    const localId = await rig.importImage(image)
    result = await rig.call('installer.run', installParams(rig, localId))
  }, 60_000)
  afterAll(async () => {
    await rig?.stop()
  })

  it('reports the device online with its chip and MAC-derived id', () => {
    expect(result).toMatchObject({
      deviceId: 'esp32-a1b2c3',
      chip: 'ESP32',
      mac: '24:0a:c4:a1:b2:c3',
      brokerHost: '127.0.0.1',
      brokerPort: rig.core.mqtt.broker!.tcpPort,
      online: true,
    })
    for (const stage of [
      'detect',
      'write',
      'verify',
      'upload',
      'configure',
      'wait-online',
    ] as const) {
      expect(result.durationsMs[stage]).toBeGreaterThanOrEqual(0)
    }
    expect(result.durationsMs.download).toBeUndefined()
  })

  it('tells the UI the broker address it writes onto boards (IOTCC_ADVERTISED_HOST, here 127.0.0.1)', async () => {
    expect(await rig.call('installer.brokerAddress', {})).toEqual({
      host: '127.0.0.1',
      port: rig.core.mqtt.broker!.tcpPort,
    })
  })

  it('wrote the image byte for byte at the chip’s bootloader offset', () => {
    expect(rig.board.flash.read(0x1000, image.length).equals(Buffer.from(image))).toBe(true)
    expect(rig.board.flash.read(0, 0x1000).every((b) => b === 0xff)).toBe(true)
  })

  it('copied firmware/ exactly and wrote config.json and secrets.py', async () => {
    const onBoard = rig.board.boardFiles()
    const expected = await collectFirmwareFiles(FIRMWARE_DIR)
    expect(expected.length).toBeGreaterThan(5)
    for (const file of expected) {
      expect(onBoard.get(file.path)?.equals(Buffer.from(file.data)), file.path).toBe(true)
    }
    const config = JSON.parse(onBoard.get('/config.json')!.toString()) as Record<string, unknown>
    expect(config).toMatchObject({
      device_id: 'esp32-a1b2c3',
      name: 'Living room',
      prefix: 'iot',
      mqtt: { host: '127.0.0.1', port: rig.core.mqtt.broker!.tcpPort, tls: false },
      sensor: { type: 'DHT22', pin: 4 },
    })
    expect(readFileSync(join(FIRMWARE_DIR, 'main.py')).equals(onBoard.get('/main.py')!)).toBe(true)
  })

  it('secrets.py parses in MicroPython and holds the Wi-Fi and per-device broker credentials', () => {
    const repl = rig.board.micropython!
    const out = repl.runPython(
      'import secrets, json\nprint(json.dumps([secrets.WIFI_SSID, secrets.WIFI_PASSWORD, secrets.MQTT_USER, len(secrets.MQTT_PASSWORD)]))',
    )
    expect(out.exception).toBe('')
    const [ssid, password, user, pwLength] = JSON.parse(out.stdout) as [
      string,
      string,
      string,
      number,
    ]
    expect([ssid, password]).toEqual([WIFI.ssid, WIFI.password])
    expect(rig.core.mqtt.credentials.list().map((c) => c.username)).toContain(user)
    expect(pwLength).toBeGreaterThanOrEqual(16)
  })

  it('secrets.py holds the board’s OTA_KEY, which the app keeps in a 0600 file and never logs', async () => {
    const key = rig.board
      .micropython!.runPython('import secrets\nprint(secrets.OTA_KEY)')
      .stdout.trim()
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    const { dataDir } = await rig.call('app.info', {})
    const file = join(dataDir, 'ota-keys.json')
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { keys: Record<string, string> }
    expect(stored.keys['esp32-a1b2c3']).toBe(key)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(rig.transcript.join('\n')).not.toContain(key)
  })

  it('the device is online in devices.list, published by the real firmware', async () => {
    const devices = await rig.call('devices.list', {})
    const device = devices.find((d) => d.id === 'esp32-a1b2c3')
    expect(device).toMatchObject({ online: true, presence: 'status', reportedName: 'Living room' })
    expect(rig.board.firmwareOutput.join('\n')).toMatch(/mqtt connected to 127\.0\.0\.1:/)
  })

  it('progress went through the stages in order, with one overall percent that never drops', () => {
    const stages = [...new Set(rig.progress.map((p) => p.stage))]
    expect(stages).toEqual([
      'detect',
      'write',
      'verify',
      'upload',
      'configure',
      'reset',
      'wait-online',
      'done',
    ])
    const percents = rig.progress.map((p) => p.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(rig.progress.at(-1)).toMatchObject({
      stage: 'done',
      percent: 100,
      deviceId: 'esp32-a1b2c3',
    })
    expect(rig.progress.some((p) => p.stage === 'write' && p.bytesPerSecond > 0)).toBe(true)
  })

  it('never lets a password out: not in events, results, errors or logs', async () => {
    const password = (await rig.core.mqtt.credentials.list()).length // accounts exist
    expect(password).toBeGreaterThan(0)
    const text = rig.transcript.join('\n')
    expect(text).toContain('wait-online') // the transcript is the real one
    for (const secret of [WIFI.password, 'pa$$w0rd', JSON.stringify(WIFI.password).slice(1, -1)]) {
      expect(text).not.toContain(secret)
    }
    const devicePassword = rig.board
      .micropython!.runPython('import secrets\nprint(secrets.MQTT_PASSWORD)')
      .stdout.trim()
    expect(devicePassword.length).toBeGreaterThan(8)
    expect(text).not.toContain(devicePassword)
  })
})
