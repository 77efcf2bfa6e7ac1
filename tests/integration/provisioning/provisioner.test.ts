import { mkdtemp, mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/main/core/base/logger'
import type { ProvisionInput } from '../../../src/main/core/provisioning/device-config'
import { ReplError } from '../../../src/main/core/provisioning/errors'
import {
  Provisioner,
  type ProvisionProgress,
} from '../../../src/main/core/provisioning/provisioner'
import { FAST_REPL, openLink, startBoard, useBoards } from './helpers'

useBoards()

const WIFI_PASSWORD = `pa"ss'wö\\rd 😀 \\x41 """`
const MQTT_PASSWORD = `q\\\\"'''zß€-${'𝄞'}`

const input: ProvisionInput = {
  deviceName: 'Living "room" \\ 客厅',
  wifi: { ssid: 'Home “Net” 🏠', password: WIFI_PASSWORD },
  mqtt: {
    host: '192.168.1.50',
    port: 1883,
    tls: false,
    username: 'sensor\\1',
    password: MQTT_PASSWORD,
  },
  sensor: { type: 'DHT22', pin: 4 },
  report: { intervalS: 10, deltaT: 0.5, deltaH: 1, maxSilenceS: 3600 },
}

// A small stand-in firmware: its main.py really runs in the simulated board after the reset,
// reads what the installer wrote, and (badly) prints a secret, which must come out redacted.
let firmwareDir = ''
beforeAll(async () => {
  firmwareDir = await mkdtemp(join(tmpdir(), 'fw-'))
  await mkdir(join(firmwareDir, 'lib', 'app'), { recursive: true })
  await writeFile(join(firmwareDir, 'lib', 'app', '__init__.py'), 'VERSION = "1.0"\n')
  await writeFile(join(firmwareDir, 'boot.py'), 'print("boot: ok")\n')
  await writeFile(
    join(firmwareDir, 'main.py'),
    [
      'import json, secrets',
      'from app import VERSION',
      "cfg = json.load(open('config.json'))",
      "print('main: fw', VERSION, 'id', cfg['device_id'], 'broker', cfg['mqtt']['host'])",
      "print('main: wifi password', secrets.WIFI_PASSWORD)",
      '',
    ].join('\n'),
  )
  await writeFile(join(firmwareDir, 'README.md'), '# not for the board\n')
  await writeFile(join(firmwareDir, 'config.example.json'), '{}\n')
})

async function provision(extra: Partial<Parameters<typeof startBoard>[0]> = {}) {
  const board = await startBoard({ mainPy: 'run', ...extra })
  const link = await openLink(board.hostPath)
  const logLines: string[] = []
  const logger = createLogger({
    level: 'debug',
    sink: (line) => logLines.push(JSON.stringify(line)),
  })
  const provisioner = new Provisioner(link, {
    firmwareDir,
    logger,
    observeMs: 3000,
    observeUntil: /main: wifi password.*\n/,
    repl: FAST_REPL,
  })
  const progress: ProvisionProgress[] = []
  const serial: string[] = []
  provisioner.on('progress', (p) => progress.push(p))
  provisioner.on('serial', (line) => serial.push(line))
  return { board, provisioner, progress, serial, logLines }
}

describe('Provisioner against simulated MicroPython', () => {
  it('installs firmware and settings that the board reads back exactly', async () => {
    const { board, provisioner, progress } = await provision()
    const result = await provisioner.run(input)

    expect(result.deviceId).toBe('esp32-a1b2c3') // from machine.unique_id()
    expect(result.files).toEqual([
      '/lib/app/__init__.py',
      '/boot.py',
      '/main.py',
      '/config.json',
      '/secrets.py',
    ])
    expect(board.sim.readFile('/README.md')).toBeUndefined()

    const config = JSON.parse(board.sim.readFile('/config.json')!.toString('utf8'))
    expect(config).toEqual({
      device_id: 'esp32-a1b2c3',
      name: 'Living "room" \\ 客厅',
      prefix: 'iot',
      mqtt: { host: '192.168.1.50', port: 1883, tls: false },
      sensor: { type: 'DHT22', pin: 4 },
      report: { interval_s: 10, delta_t: 0.5, delta_h: 1, max_silence_s: 3600 },
      legacy_topic: null,
      ha_discovery: false,
    })

    const { stdout, exception } = board.sim.runPython(
      'import json, secrets\nprint(json.dumps([secrets.WIFI_SSID, secrets.WIFI_PASSWORD, secrets.MQTT_USER, secrets.MQTT_PASSWORD]))',
    )
    expect(exception).toBe('')
    expect(JSON.parse(stdout)).toEqual(['Home “Net” 🏠', WIFI_PASSWORD, 'sensor\\1', MQTT_PASSWORD])
    const secretsPy = board.sim.readFile('/secrets.py')!
    expect([...secretsPy].every((b) => b === 0x0a || (b >= 0x20 && b < 0x7f))).toBe(true) // ASCII

    expect(result.bootOutput).toContain('MPY: soft reboot')
    expect(result.bootOutput).toContain('boot: ok')
    expect(result.bootOutput).toContain('main: fw 1.0 id esp32-a1b2c3 broker 192.168.1.50')
    const stages = [...new Set(progress.map((p) => p.stage))]
    expect(stages).toEqual(['connect', 'upload', 'configure', 'reset', 'observe', 'done'])
    expect(progress.map((p) => p.percent)).toEqual(
      progress.map((p) => p.percent).sort((a, b) => a - b),
    )
  })

  it('never lets a secret into progress, logs, serial output or the result', async () => {
    const { provisioner, progress, serial, logLines } = await provision()
    const result = await provisioner.run(input)
    const everything = [
      JSON.stringify(progress),
      JSON.stringify(result),
      serial.join('\n'),
      logLines.join('\n'),
      provisioner.serialLog,
    ].join('\n')
    for (const secret of [WIFI_PASSWORD, MQTT_PASSWORD, 'wö\\rd', "q\\\\\"'''z"]) {
      expect(everything).not.toContain(secret)
    }
    expect(serial).toContain('main: wifi password [redacted]')
    expect(provisioner.serialLog).toContain('main: wifi password [redacted]')
  })

  it('shows only what the board printed as text, none of the raw REPL conversation', async () => {
    const { provisioner, serial } = await provision()
    await provisioner.run(input)
    const shown = [serial.join('\n'), provisioner.serialLog]
    for (const text of shown) {
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/)
      expect(text).not.toMatch(/\\x0[0-9a-f]/) // nor control bytes spelled out
      expect(text).not.toMatch(/^(OK|>|>>>|R|raw REPL; CTRL-B to exit)\s*$/m)
      expect(text).toContain('MPY: soft reboot')
      expect(text).toContain('boot: ok')
      expect(text).toContain('main: fw 1.0 id esp32-a1b2c3 broker 192.168.1.50')
    }
    // Copying a dozen files is dozens of commands; what is shown stays a few lines.
    expect(serial.length).toBeLessThan(15)
  })

  it('reports the failed stage and a typed error when the flash fills up', async () => {
    const { board, provisioner, progress } = await provision()
    board.sim.faults.enospcAfterBytes = 10
    const error = (await provisioner.run(input).catch((e: unknown) => e)) as ReplError
    expect(error.failure).toBe('DEVICE_FULL')
    expect(progress.at(-1)).toMatchObject({ stage: 'failed' })
    expect(provisioner.serialLog).not.toContain(WIFI_PASSWORD)
  })

  it('rejects settings that cannot be written safely, before touching the board', async () => {
    const { board, provisioner } = await provision()
    const bad = { ...input, wifi: { ssid: 'x', password: 'line\nbreak' }, deviceId: 'has space' }
    const error = (await provisioner.run(bad).catch((e: unknown) => e)) as ReplError
    expect(error.failure).toBe('BAD_INPUT')
    expect(error.message).toContain('wifi.password')
    expect(error.message).toContain('deviceId')
    expect(board.sim.stats.rawExecs + board.sim.stats.rawPastes).toBe(0)
  })
})
