/**
 * The InfluxDB password and 2.x token, and alert webhook tokens, never sit in plain JSON in
 * the data folder: they move to the sealed secret files (base/secret-box.ts) on load, the app
 * keeps using them, RPC results and logs never carry them, and a damaged secret file costs
 * only the secrets. Real files, real HTTP receiver; the keychain is FakeSafeStorage (AES-GCM).
 */
import { readdirSync, statSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RuleStore, toView } from '../../src/main/core/alerts/rule-store'
import { stateFileProblem } from '../../src/main/core/backup/state-documents'
import { silentLogger } from '../../src/main/core/base/logger'
import { secretFileName, type SecretCodec } from '../../src/main/core/base/secret-box'
import {
  IntegrationsStore,
  readSavedInflux,
} from '../../src/main/core/integrations/integrations-store'
import { electronSecretBox } from '../../src/main/shell/secret-box-electron'
import { AlertHarness, device, TOO_HOT } from '../unit/alerts/alert-fixtures'
import { FakeSafeStorage } from '../unit/shell/fake-electron'
import { recordingLogger } from '../helpers/recording-logger'
import { useTempDir } from '../helpers/use-temp-dir'

const PASSWORD = 'influx-Pw-7f3a9c'
const TOKEN = 'influx2-token-Zq81LmN0'
const HOOK_TOKEN = 'hook-token-Xk42Pp9'

const dir = useTempDir('secrets-at-rest-')

const read = (name: string): Promise<string> => readFile(join(dir.path, name), 'utf8')

/** Every file in the data folder (recursively), as text, for "no secret anywhere" checks. */
async function everyFile(root = dir.path): Promise<string> {
  let text = ''
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name)
    text += entry.isDirectory() ? await everyFile(path) : await readFile(path, 'utf8')
  }
  return text
}

/** integrations.json as an older version wrote it: password and token in plain text. */
async function oldIntegrations(): Promise<void> {
  const store = new IntegrationsStore(dir.path, silentLogger, Date.now)
  await store.load()
  const influx = { ...store.influxSaved(), enabled: true, url: 'http://influx.lan:8086' }
  await writeFile(
    join(dir.path, 'integrations.json'),
    JSON.stringify({
      version: 1,
      data: { ...store.view(), influx: { ...influx, password: PASSWORD, token: TOKEN } },
    }),
  )
}

describe('InfluxDB secrets at rest', () => {
  it('moves a plain-text password and token out of integrations.json, logging neither', async () => {
    await oldIntegrations()
    const codec = electronSecretBox(new FakeSafeStorage())
    const lines: string[] = []
    const store = new IntegrationsStore(dir.path, recordingLogger(lines), Date.now, codec)
    await store.load()

    expect(await everyFile()).not.toMatch(new RegExp(`${PASSWORD}|${TOKEN}`))
    expect(store.influxTarget()).toMatchObject({
      url: 'http://influx.lan:8086',
      password: PASSWORD,
      token: TOKEN,
    })
    expect(store.view().influx).toMatchObject({ hasPassword: true, hasToken: true })
    expect(JSON.stringify(store.view())).not.toMatch(new RegExp(`${PASSWORD}|${TOKEN}`))
    // The history store reads the same saved connection beside the store, secrets included.
    expect(readSavedInflux(dir.path, codec)).toMatchObject({ password: PASSWORD, token: TOKEN })
    expect(lines.join('\n')).toContain('moved out of integrations.json')
    expect(lines.join('\n')).not.toMatch(new RegExp(`${PASSWORD}|${TOKEN}`))

    const again = new IntegrationsStore(dir.path, silentLogger, Date.now, codec)
    await again.load()
    expect(again.influxSaved()).toMatchObject({ password: PASSWORD, token: TOKEN })
  })

  it('with the keychain unavailable the app still starts, and loses nothing', async () => {
    await oldIntegrations()
    const store = new IntegrationsStore(
      dir.path,
      silentLogger,
      Date.now,
      electronSecretBox(new FakeSafeStorage(false)),
    )
    await store.load()
    expect(store.warnings.join('\n')).toMatch(
      /InfluxDB password and token in integrations.json could not be moved .*keychain is not available.*next start/,
    )
    expect(store.influxSaved()).toMatchObject({ password: PASSWORD, token: TOKEN })
    expect(await read('integrations.json')).toContain(PASSWORD)
  })

  it('web mode keeps them in a 0600 file; a new password replaces, "" removes', async () => {
    const store = new IntegrationsStore(dir.path, silentLogger, Date.now)
    await store.load()
    await store.setInflux({ password: PASSWORD, token: TOKEN })
    const file = secretFileName('integration', 'plain')
    expect(statSync(join(dir.path, file)).mode & 0o777).toBe(0o600)
    expect(await read('integrations.json')).not.toMatch(new RegExp(`${PASSWORD}|${TOKEN}`))
    expect(readSavedInflux(dir.path)).toMatchObject({ password: PASSWORD, token: TOKEN })

    const view = await store.setInflux({ password: '', database: 'farm' })
    expect(view.influx).toMatchObject({ hasPassword: false, hasToken: true, database: 'farm' })
    expect(await read(file)).not.toContain(PASSWORD)
    expect(await read(file)).toContain(TOKEN)
  })

  it('a tampered secret file is set aside with a warning; the other settings stay', async () => {
    const safe = new FakeSafeStorage()
    const first = new IntegrationsStore(dir.path, silentLogger, Date.now, electronSecretBox(safe))
    await first.load()
    await first.setInflux({ url: 'http://influx.lan:8086', database: 'farm', password: PASSWORD })
    // Another machine's keychain: the same file, a key that cannot open it.
    const other: SecretCodec = electronSecretBox(new FakeSafeStorage())
    const file = secretFileName('integration', 'os-keychain')
    const sealed = await read(file)

    const store = new IntegrationsStore(dir.path, silentLogger, () => 99, other)
    await store.load()
    expect(store.warnings.join('\n')).toMatch(
      /cannot be decrypted.*moved to .*corrupt-99.*enter its password/s,
    )
    expect(store.influxSaved()).toMatchObject({
      url: 'http://influx.lan:8086',
      database: 'farm',
      password: null,
    })
    expect(await read(`${file}.corrupt-99`)).toBe(sealed)
    // The backup accepts every secret file the app keeps.
    expect(await stateFileProblem(join(dir.path, `${file}.corrupt-99`), file)).toBeNull()
  })
})

describe('alert webhook tokens at rest', () => {
  const rule = TOO_HOT

  it('moves a token out of an older alerts.json; updates keep it, delete removes it', async () => {
    const codec = electronSecretBox(new FakeSafeStorage())
    const first = new RuleStore(dir.path, silentLogger, Date.now, codec)
    await first.load()
    const created = await first.create({
      ...rule,
      actions: { webhook: { url: 'https://hooks.example/a', token: HOOK_TOKEN } },
    })
    expect(await everyFile()).not.toContain(HOOK_TOKEN)
    // Now as an older version wrote it: the token in alerts.json.
    const old = JSON.parse(await read('alerts.json')) as { data: { rules: (typeof created)[] } }
    old.data.rules[0]!.actions.webhook!.token = HOOK_TOKEN
    await writeFile(join(dir.path, 'alerts.json'), JSON.stringify(old))
    await rm(join(dir.path, secretFileName('alert', 'os-keychain')))

    const lines: string[] = []
    const store = new RuleStore(dir.path, recordingLogger(lines), Date.now, codec)
    await store.load()
    expect(store.warnings).toEqual([])
    expect(store.get(created.id).actions.webhook?.token).toBe(HOOK_TOKEN)
    expect(await everyFile()).not.toContain(HOOK_TOKEN)
    expect(lines.join('\n')).not.toContain(HOOK_TOKEN)
    expect(toView(store.get(created.id)).actions.webhook).toEqual({
      url: 'https://hooks.example/a',
      hasToken: true,
    })

    await store.update({ id: created.id, name: 'Very hot' })
    const reloaded = new RuleStore(dir.path, silentLogger, Date.now, codec)
    await reloaded.load()
    expect(reloaded.get(created.id)).toMatchObject({
      name: 'Very hot',
      actions: { webhook: { token: HOOK_TOKEN } },
    })
    await reloaded.delete(created.id)
    const secrets = await read(secretFileName('alert', 'os-keychain'))
    expect(JSON.parse(secrets)).toMatchObject({ data: { secrets: {} } })
  })

  it('a notification an older version queued with its token is still sent with it', async () => {
    const auth: (string | undefined)[] = []
    const server = createServer((req, res) => {
      auth.push(req.headers.authorization)
      req.resume().on('end', () => res.writeHead(200).end())
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    await mkdir(join(dir.path, 'webhook-queue'))
    const queuedAt = Date.UTC(2026, 0, 1, 11, 59)
    const old = { url, token: HOOK_TOKEN, payload: { event: 'alert.fired' }, queuedAt }
    await writeFile(
      join(dir.path, 'webhook-queue', '000000000001-1.lp'),
      `${JSON.stringify(old)}\n`,
    )
    const h = await new AlertHarness(dir.path, []).start()
    try {
      for (let t = 0; t < 10 && auth.length === 0; t++) {
        h.clock.advance(1000)
        await h.service.settled()
      }
      expect(auth).toEqual([`Bearer ${HOOK_TOKEN}`])
      expect(h.service.webhookStatus()).toMatchObject({ pending: 0, delivered: 1 })
      expect(await everyFile()).not.toContain(HOOK_TOKEN)
    } finally {
      await h.service.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('a queued notification waits on disk without its token and is sent with it', async () => {
    const auth: (string | undefined)[] = []
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const h = await new AlertHarness(dir.path, [device('esp32-aaaaaa', { name: 'Attic' })], {
      webhook: { timeoutMs: 1000 },
      secrets: electronSecretBox(new FakeSafeStorage()),
    }).start()
    let receiver: Server | null = null
    try {
      await h.rule({
        ...rule,
        actions: {
          notify: false,
          mqtt: false,
          webhook: { url: `http://127.0.0.1:${port}/hook`, token: HOOK_TOKEN },
        },
      })
      h.read('esp32-aaaaaa', { temperature: 31 })
      await h.service.settled()
      expect(h.service.webhookStatus().pending).toBe(1)
      expect(readdirSync(join(dir.path, 'webhook-queue')).length).toBeGreaterThan(0)
      expect(await everyFile()).not.toContain(HOOK_TOKEN)

      const server = createServer((req, res) => {
        auth.push(req.headers.authorization)
        req.resume().on('end', () => res.writeHead(200).end())
      })
      receiver = server
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
      for (let t = 0; t < 10 && auth.length === 0; t++) {
        h.clock.advance(2000)
        await h.service.settled()
      }
      expect(auth).toEqual([`Bearer ${HOOK_TOKEN}`])
    } finally {
      await h.service.close()
      receiver?.closeAllConnections()
      await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()))
    }
  })
})
