/**
 * `npm run cli -- export` on a data folder whose settings keep history in InfluxDB reads it
 * from InfluxDB, byte for byte what the app's own export gives, with the password the app
 * moved out of integrations.json into the secret file. Real influxd 1.x with authentication
 * on, real core, real files.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { plainCodec, secretFileName } from '../../../src/main/core/base/secret-box'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { defaultIntegrations } from '../../../src/main/core/integrations/integrations-store'
import { tempDir } from '../../helpers/temp-dir'
import { Influxd } from '../influx/influxd'
import { runExport } from './fixtures/run-export'

const T0 = Date.UTC(2026, 4, 1)
const PASSWORD = 'farm-Pw-93kd1'
let dir: { path: string; cleanup: () => Promise<void> }
let influxd: Influxd
let app: string

beforeAll(async () => {
  dir = await tempDir('iotcc-cli-influx-')
  influxd = await Influxd.create(join(dir.path, 'influxd'), { auth: true })
  await influxd.start()
  await influxd.createAdmin('iotcc', PASSWORD)
  app = join(dir.path, 'app')
  await mkdir(app)
  await writeFile(
    join(app, 'settings.json'),
    JSON.stringify({ version: 1, data: { history: { store: 'influx' } } }),
  )
  // As an older version saved it: the password in plain text in integrations.json.
  const influx = {
    ...defaultIntegrations().influx,
    url: influxd.url,
    database: 'farm',
    username: 'iotcc',
    password: PASSWORD,
  }
  await writeFile(
    join(app, 'integrations.json'),
    JSON.stringify({ version: 1, data: { ...defaultIntegrations(), influx } }),
  )
})

afterAll(async () => {
  await influxd?.stop()
  await dir?.cleanup()
})

function telemetry(core: Core, id: string, i: number): void {
  core.ingest({
    topic: `iot/${id}/telemetry`,
    payload: new TextEncoder().encode(
      JSON.stringify({
        temperature: 20 + i / 4,
        humidity: 40 + (i % 4),
        ts: (T0 + i * 1000) / 1000,
        seq: i,
      }),
    ),
    qos: 1,
    retain: false,
    receivedAt: T0 + i * 1000 + 50,
    source: 'embedded',
  })
}

const cli = (args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof runExport> =>
  runExport(['--data-dir', app, ...args], env)

const RANGE = ['--from', new Date(T0).toISOString(), '--to', new Date(T0 + 3600_000).toISOString()]

describe('CLI export with the InfluxDB history store (real influxd, auth on)', () => {
  it('reads InfluxDB with the migrated password, as the app’s export does', async () => {
    const first = await createCore({
      dataDir: app,
      shell: 'web',
      version: 'test',
      logger: silentLogger,
      mqtt: { brokerEnabled: false },
    })
    try {
      expect(first.history.kind).toBe('influx')
      for (let i = 0; i < 60; i++) telemetry(first, 'esp32-aaaaaa', i)
      await first.history.flush()
    } finally {
      await first.close()
    }
    expect(await readFile(join(app, 'integrations.json'), 'utf8')).not.toContain(PASSWORD)
    expect(await readFile(join(app, secretFileName('integration', 'plain')), 'utf8')).toContain(
      PASSWORD,
    )

    // Started again, the app reaches InfluxDB with the password from the secret file alone.
    const appFile = join(dir.path, 'app-export.csv')
    const second = await createCore({
      dataDir: app,
      shell: 'electron',
      version: 'test',
      logger: silentLogger,
      mqtt: { brokerEnabled: false },
      secrets: plainCodec,
      dialogs: { saveFile: async () => appFile, openFile: async () => null },
    })
    try {
      for (let i = 0; i < 30; i++) telemetry(second, 'esp32-bbbbbb', i)
      await second.history.flush()
      expect(await influxd.count('farm', 'iot', 'humidity')).toBe(90)
      const outcome = await second.call('export.save', {
        request: { format: 'csv', from: T0, to: T0 + 3600_000 },
      })
      expect(outcome.ok).toBe(true)
    } finally {
      await second.close()
    }

    const cliFile = join(dir.path, 'cli-export.csv')
    const result = await cli([...RANGE, '--out', cliFile])
    expect(result.err).toBe(
      `90 rows written to ${cliFile} (from influx 127.0.0.1:${influxd.httpPort}/farm)\n`,
    )
    expect(result.code).toBe(0)
    const cliCsv = await readFile(cliFile, 'utf8')
    expect(cliCsv).toBe(await readFile(appFile, 'utf8'))
    expect(cliCsv.split('\r\n').filter((l) => l.includes('esp32-bbbbbb'))).toHaveLength(30)
  })

  it('says what failed, without the password, when InfluxDB refuses it', async () => {
    const file = join(app, secretFileName('integration', 'plain'))
    const good = await readFile(file, 'utf8')
    await writeFile(file, good.replace(PASSWORD, 'wrong-Pw-1'))
    try {
      const result = await cli(RANGE)
      expect(result.code).toBe(1)
      expect(result.err).toMatch(
        /^Export failed: Reading history from InfluxDB failed: .*(401|authori[sz])/im,
      )
      expect(result.err).not.toContain('wrong-Pw-1')
    } finally {
      await writeFile(file, good)
    }
  })

  it('says so when the password is sealed with the desktop app’s keychain', async () => {
    const file = join(app, secretFileName('integration', 'plain'))
    const sealed = join(app, secretFileName('integration', 'os-keychain'))
    const good = await readFile(file, 'utf8')
    await writeFile(sealed, good.replace('"plain"', '"os-keychain"'))
    await writeFile(file, JSON.stringify({ version: 1, data: { codec: 'plain', secrets: {} } }))
    try {
      const result = await cli(RANGE)
      expect(result.err).toContain('sealed with the desktop app’s OS keychain')
      expect(result.code).toBe(1)
      // serve's history flags and environment apply here too: the password from the environment.
      const url = `http://iotcc:${PASSWORD}@127.0.0.1:${influxd.httpPort}/farm`
      const given = await cli(RANGE, { IOTCC_HISTORY_URL: url })
      expect(given.code).toBe(0)
      expect(given.err).toBe(`90 rows (from influx 127.0.0.1:${influxd.httpPort}/farm)\n`)
      expect(given.out.split('\r\n').filter((l) => l.includes('esp32-'))).toHaveLength(90)
    } finally {
      await writeFile(file, good)
    }
  })
})
