import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import * as tar from 'tar'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Core } from '../../../src/main/core/create-core'
import { tempDir } from '../../helpers/temp-dir'
import { callCore as call, useCores } from '../fixtures/test-cores'

/*
 * Archives made by the app's own backup, then tampered with the way an attacker would:
 * unpack, edit a file, recompute the manifest's sizes and SHA-256 (a checksum is not a
 * signature), repack. (a) A file that is valid JSON but not what its store accepts must be
 * refused before anything is staged; (b) a restore that changes security settings must
 * say what it changes and go ahead only when confirmed.
 */

interface Restored {
  status: 'staged' | 'confirm'
  restartRequired?: true
  backup: {
    sha256: string
    securityChanges: { area: string; text: string; opens: boolean }[]
  }
}

let dir: { path: string; cleanup: () => Promise<void> }
let data: string

beforeEach(async () => {
  dir = await tempDir('iotcc-tamper-')
  data = join(dir.path, 'data')
  await mkdir(data, { recursive: true })
  await writeFile(
    join(data, 'settings.json'),
    JSON.stringify({ version: 1, data: { broker: { embedded: false, port: 0 } } }),
  )
})
afterEach(async () => {
  await dir.cleanup()
})

const cores = useCores()
const start = (): Promise<Core> => cores.start(data)

const stop = (core: Core): Promise<void> => cores.stop(core)

/** A running app with one named device and a fresh backup of it; returns the backup's name. */
async function appWithBackup(): Promise<{ core: Core; name: string }> {
  const core = await start()
  core.ingest({
    topic: 'iot/esp32-a1b2c3/telemetry',
    payload: new TextEncoder().encode(JSON.stringify({ temperature: 21.5, humidity: 40 })),
    qos: 1,
    retain: false,
    receivedAt: Date.now(),
    source: 'embedded',
  })
  await call(core, 'devices.rename', { id: 'esp32-a1b2c3', name: 'Kitchen' })
  const backup = await call<{ path: string }>(core, 'backup.create')
  return { core, name: backup.path.split('/').pop() as string }
}

/**
 * Unpacks `backups/<name>`, lets `edit` change or add files under data/, rewrites the
 * manifest's list (sizes, SHA-256) to match, and repacks it as `backups/<as>`.
 */
async function tamper(
  name: string,
  as: string,
  edit: (dataDir: string) => Promise<void>,
): Promise<void> {
  const work = await mkdtemp(join(dir.path, 'unpacked-'))
  await tar.x({ file: join(data, 'backups', name), cwd: work })
  await edit(join(work, 'data'))
  const manifestPath = join(work, 'manifest.json')
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
    files: { path: string; bytes: number; sha256: string }[]
  }
  const paths = (await readdir(join(work, 'data'), { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => relative(join(work, 'data'), join(e.parentPath, e.name)))
  manifest.files = []
  for (const path of paths.sort()) {
    const bytes = await readFile(join(work, 'data', path))
    manifest.files.push({
      path,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    })
  }
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2))
  await tar.c({ gzip: true, file: join(data, 'backups', as), cwd: work, portable: true }, [
    'manifest.json',
    'data',
  ])
  await rm(work, { recursive: true, force: true })
}

async function editJson(file: string, change: (doc: { data: Record<string, unknown> }) => void) {
  const doc = JSON.parse(await readFile(file, 'utf8')) as { data: Record<string, unknown> }
  change(doc)
  await writeFile(file, JSON.stringify(doc))
}

async function refusal(core: Core, method: string, params: unknown): Promise<string> {
  const outcome = await core.call(method, params)
  expect(outcome.ok).toBe(false)
  expect(existsSync(join(data, '.restore-pending'))).toBe(false)
  return outcome.ok ? '' : `${outcome.error.code}: ${outcome.error.message}`
}

describe('(a) every file in the archive must be what its store accepts', () => {
  it('refuses well-formed JSON that fails the registry schema, and the device keeps its name', async () => {
    const { core, name } = await appWithBackup()
    await tamper(name, 'notalist.tar.gz', (d) =>
      writeFile(join(d, 'devices.json'), '{"version":1,"data":{"devices":"notalist"}}'),
    )
    const message = await refusal(core, 'backup.restore', { name: 'notalist.tar.gz' })
    expect(message).toMatch(/^BAD_INPUT: This backup cannot be restored: devices\.json /)
    expect(await refusal(core, 'backup.inspect', { name: 'notalist.tar.gz' })).toMatch(
      /devices\.json/,
    )
    await stop(core)
    const after = await start()
    expect((await call<{ name: string }>(after, 'devices.get', { id: 'esp32-a1b2c3' })).name).toBe(
      'Kitchen',
    )
    expect((await call<{ warnings: string[] }>(after, 'app.info')).warnings.join('\n')).not.toMatch(
      /corrupt/,
    )
  })

  it('refuses settings, logins and alert rules of the wrong shape, and a newer format', async () => {
    const { core, name } = await appWithBackup()
    const cases: [string, (d: string) => Promise<void>, RegExp][] = [
      [
        'settings.tar.gz',
        (d) => editJson(join(d, 'settings.json'), (doc) => (doc.data.broker = { port: 'x' })),
        /settings\.json/,
      ],
      [
        'logins.tar.gz',
        (d) =>
          writeFile(join(d, 'broker-credentials.json'), '{"version":1,"data":{"devices":[{}]}}'),
        /broker-credentials\.json/,
      ],
      [
        'rules.tar.gz',
        (d) => writeFile(join(d, 'alerts.json'), '{"version":1,"data":{"rules":[1]}}'),
        /alerts\.json/,
      ],
      [
        'newer.tar.gz',
        (d) => writeFile(join(d, 'devices.json'), '{"version":99,"data":{"devices":[]}}'),
        /devices\.json was written by a newer version of the app/,
      ],
      [
        'unknown.tar.gz',
        (d) => writeFile(join(d, 'mystery.json'), '{"version":1,"data":{}}'),
        /mystery\.json is not a file this app keeps/,
      ],
    ]
    for (const [archive, edit, reason] of cases) {
      await tamper(name, archive, edit)
      expect(await refusal(core, 'backup.restore', { name: archive })).toMatch(reason)
    }
  })

  it('refuses a readings database from a newer schema even though SQLite finds it intact', async () => {
    const { core, name } = await appWithBackup()
    await tamper(name, 'future.tar.gz', async (d) => {
      const db = new DatabaseSync(join(d, 'readings.sqlite'))
      db.exec('PRAGMA user_version = 99')
      db.close()
    })
    expect(await refusal(core, 'backup.restore', { name: 'future.tar.gz' })).toMatch(
      /readings\.sqlite was written by a newer version of the app/,
    )
  })
})

describe('(b) a restore that changes security settings says so and needs a confirmation', () => {
  it('an untouched backup of the same setup restores at once, with no security changes', async () => {
    const { core, name } = await appWithBackup()
    const restored = await call<Restored>(core, 'backup.restore', { name })
    expect(restored).toMatchObject({ status: 'staged', restartRequired: true })
    expect(restored.backup.securityChanges).toEqual([])
  })

  it('a running embedded broker with TLS backs up and restores without questions', async () => {
    await writeFile(
      join(data, 'settings.json'),
      JSON.stringify({
        version: 1,
        data: {
          broker: {
            embedded: true,
            port: 0,
            bindHost: '127.0.0.1',
            tls: { enabled: true, port: 0 },
          },
        },
      }),
    )
    const core = await start()
    await call(core, 'broker.credentials.issue', { deviceId: 'esp32-a1b2c3' })
    const backup = await call<{ path: string; files: { path: string }[] }>(core, 'backup.create')
    expect(backup.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['broker-credentials.json', 'broker-tls/ca.pem']),
    )
    const name = backup.path.split('/').pop() as string
    const restored = await call<Restored>(core, 'backup.restore', { name })
    expect(restored.status).toBe('staged')
    expect(restored.backup.securityChanges).toEqual([])
  })

  it('anonymous loopback switched on in a forged archive is shown, not staged, until confirmed', async () => {
    const { core, name } = await appWithBackup()
    await tamper(name, 'anon.tar.gz', (d) =>
      editJson(join(d, 'settings.json'), (doc) => {
        const broker = doc.data.broker as Record<string, unknown>
        broker.allowAnonymousLoopback = true
        broker.bindHost = '0.0.0.0'
        broker.tls = { enabled: false, port: 8883 }
      }),
    )
    const preview = await call<Restored['backup']>(core, 'backup.inspect', { name: 'anon.tar.gz' })
    expect(preview.securityChanges).toEqual([
      expect.objectContaining({ area: 'anonymous', opens: true }),
    ])
    expect(preview.securityChanges[0]?.text).toMatch(/anonymous.*off → on/i)

    const first = await call<Restored>(core, 'backup.restore', { name: 'anon.tar.gz' })
    expect(first.status).toBe('confirm')
    expect(first.backup.securityChanges).toEqual(preview.securityChanges)
    expect(existsSync(join(data, '.restore-pending'))).toBe(false)

    // A confirmation for some other archive does not count.
    const wrong = await call<Restored>(core, 'backup.restore', {
      name: 'anon.tar.gz',
      confirm: '0'.repeat(64),
    })
    expect(wrong.status).toBe('confirm')
    expect(existsSync(join(data, '.restore-pending'))).toBe(false)

    const confirmed = await call<Restored>(core, 'backup.restore', {
      name: 'anon.tar.gz',
      confirm: first.backup.sha256,
    })
    expect(confirmed).toMatchObject({ status: 'staged', restartRequired: true })
    await stop(core)
    const after = await start()
    const settings = await call<{ broker: { allowAnonymousLoopback: boolean } }>(
      after,
      'settings.get',
    )
    expect(settings.broker.allowAnonymousLoopback).toBe(true)
  })

  it('lists listener, TLS, login and external connection changes', async () => {
    const { core, name } = await appWithBackup()
    await call(core, 'broker.credentials.issue', { deviceId: 'esp32-a1b2c3' })
    await tamper(name, 'wide.tar.gz', async (d) => {
      await editJson(join(d, 'settings.json'), (doc) => {
        doc.data.broker = {
          embedded: true,
          port: 1884,
          bindHost: '0.0.0.0',
          wsPort: 9001,
          tls: { enabled: false, port: 8883 },
          allowAnonymousLoopback: false,
        }
      })
      await writeFile(
        join(d, 'broker-credentials.json'),
        JSON.stringify({
          version: 1,
          data: {
            devices: [
              { deviceId: 'intruder', username: 'intruder', createdAt: 1, salt: 'aa', hash: 'bb' },
            ],
          },
        }),
      )
      await editJson(join(d, 'connections.json'), (doc) => {
        doc.data.connections = [
          {
            id: 'c1',
            name: 'Elsewhere',
            url: 'mqtt://broker.example:1883',
            protocolVersion: 4,
            clientId: 'x',
            clean: true,
            subscriptions: [{ topic: '#', qos: 0 }],
            rejectUnauthorized: true,
            enabled: true,
          },
        ]
      })
    })
    const preview = await call<Restored['backup']>(core, 'backup.inspect', { name: 'wide.tar.gz' })
    const byArea = (area: string) =>
      preview.securityChanges.filter((c) => c.area === area).map((c) => c.text)
    expect(byArea('listeners').join('\n')).toMatch(/1884/)
    expect(byArea('listeners').join('\n')).toMatch(/WebSocket.*9001/)
    expect(byArea('logins').join('\n')).toMatch(/added.*intruder/)
    expect(byArea('logins').join('\n')).toMatch(/removed.*esp32-a1b2c3/)
    expect(byArea('connections').join('\n')).toMatch(/Elsewhere.*broker\.example/)
    const restored = await call<Restored>(core, 'backup.restore', { name: 'wide.tar.gz' })
    expect(restored.status).toBe('confirm')
  })
})
