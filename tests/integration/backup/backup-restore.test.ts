import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import * as tar from 'tar'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { BackupService } from '../../../src/main/core/backup/backup-service'
import type { Core } from '../../../src/main/core/create-core'
import { systemClock } from '../../../src/main/core/base/clock'
import { tempDir } from '../../helpers/temp-dir'
import { callCore as call, useCores } from '../fixtures/test-cores'

/** Recent enough that the 90-day retention keeps it. */
const T0 = Date.now() - 86_400_000
let dir: { path: string; cleanup: () => Promise<void> }
let data: string

beforeEach(async () => {
  dir = await tempDir('iotcc-backup-')
  data = join(dir.path, 'data')
  await mkdir(data, { recursive: true })
  // No embedded broker in these tests: they are about the data folder.
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

function telemetry(core: Core, id: string, i: number): void {
  core.ingest({
    topic: `iot/${id}/telemetry`,
    payload: new TextEncoder().encode(
      JSON.stringify({ temperature: 20 + i / 10, humidity: 40, seq: i }),
    ),
    qos: 1,
    retain: false,
    receivedAt: T0 + i * 1000,
    source: 'embedded',
  })
}

/** A stand-in for the broker's session store: another live SQLite file in WAL mode. */
function brokerDb(): DatabaseSync {
  const db = new DatabaseSync(join(data, 'broker-sessions.db'))
  db.exec(
    'PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS retained (topic TEXT PRIMARY KEY, payload BLOB)',
  )
  return db
}

describe('backup and restore', () => {
  it('round-trips settings, registry, readings, alert rules and broker state', async () => {
    const core = await start()
    await call(core, 'settings.update', { ui: { units: 'F' } })
    for (let i = 0; i < 500; i++) telemetry(core, 'esp32-a1b2c3', i)
    await call(core, 'devices.rename', { id: 'esp32-a1b2c3', name: 'Küche, "north"' })
    await call(core, 'alerts.createRule', {
      name: 'Too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
    })
    const broker = brokerDb()
    broker
      .prepare('INSERT INTO retained VALUES (?, ?)')
      .run('iot/esp32-a1b2c3/status', Buffer.from('online'))
    await core.devices.save()

    // Writes keep coming while the backup runs: the snapshot must still be consistent.
    const writer = setInterval(
      () => telemetry(core, 'esp32-ffffff', Math.floor(Math.random() * 1e6)),
      1,
    )
    const backup = await call<{ path: string; files: { path: string }[] }>(
      core,
      'backup.create',
      {},
    )
    clearInterval(writer)
    expect(backup.path).toMatch(/backups\/backup-.*Z\.tar\.gz$/)
    expect(backup.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'alerts.json',
        'alerts.sqlite',
        'broker-sessions.db',
        'devices.json',
        'integrations.json',
        'readings.sqlite',
        'settings.json',
      ]),
    )
    expect(backup.files.some((f) => /-wal$|-shm$|backups\//.test(f.path))).toBe(false)
    const listed = await call<{ name: string }[]>(core, 'backup.list')
    const name = listed[0]?.name as string

    // Life goes on after the backup…
    await call(core, 'settings.update', { ui: { units: 'C' } })
    await call(core, 'alerts.deleteRule', { id: 'too-hot' })
    for (let i = 500; i < 600; i++) telemetry(core, 'esp32-a1b2c3', i)
    broker.prepare('DELETE FROM retained').run()
    broker.close()

    // …until the person restores it: verified and staged now, applied at the next start.
    const staged = await call<{ restartRequired: boolean; backup: { files: unknown[] } }>(
      core,
      'backup.restore',
      { name },
    )
    expect(staged.restartRequired).toBe(true)
    await cores.stop(core)

    const after = await start()
    const info = await call<{ warnings: string[] }>(after, 'app.info')
    expect(info.warnings.join('\n')).toMatch(
      /Restored the backup made .*; the data it replaced is in backups\/pre-restore-/,
    )
    expect((await call<{ ui: { units: string } }>(after, 'settings.get')).ui.units).toBe('F')
    expect((await call<{ name: string }>(after, 'devices.get', { id: 'esp32-a1b2c3' })).name).toBe(
      'Küche, "north"',
    )
    expect(after.readings.count('esp32-a1b2c3')).toBe(1000) // 500 × (temperature + humidity)
    expect((await call<{ id: string }[]>(after, 'alerts.listRules')).map((r) => r.id)).toEqual([
      'too-hot',
    ])
    const restoredBroker = new DatabaseSync(join(data, 'broker-sessions.db'), { readOnly: true })
    expect(restoredBroker.prepare('SELECT COUNT(*) AS n FROM retained').get()).toEqual({ n: 1 })
    restoredBroker.close()
    // What was replaced is kept, not deleted.
    const aside = (await readdir(join(data, 'backups'))).find((n) =>
      n.startsWith('pre-restore-'),
    ) as string
    expect(existsSync(join(data, 'backups', aside, 'readings.sqlite'))).toBe(true)
    expect(existsSync(join(data, '.restore-pending'))).toBe(false)
  })
})

describe('a damaged archive is refused and nothing changes', () => {
  let service: BackupService
  let good: string

  beforeEach(async () => {
    const core = await start()
    for (let i = 0; i < 50; i++) telemetry(core, 'esp32-a1b2c3', i)
    await core.devices.save()
    service = new BackupService({
      dataDir: data,
      clock: systemClock,
      logger: silentLogger,
      appVersion: 't',
    })
    good = (await service.create(join(dir.path, 'good.tar.gz'))).path
  })

  async function refused(path: string): Promise<string> {
    const before = await readFile(join(data, 'settings.json'), 'utf8')
    const error = await service.restore(path).then(
      () => null,
      (e: Error) => e,
    )
    expect(error).not.toBeNull()
    expect(existsSync(join(data, '.restore-pending'))).toBe(false)
    expect(await readFile(join(data, 'settings.json'), 'utf8')).toBe(before)
    return (error as Error).message
  }

  it('accepts the intact archive (control)', async () => {
    const summary = await service.inspect(good)
    expect(summary.files.length).toBeGreaterThan(3)
  })

  it('refuses a truncated archive', async () => {
    const bytes = await readFile(good)
    const cut = join(dir.path, 'cut.tar.gz')
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
    expect(await refused(cut)).toMatch(
      /^This backup cannot be restored: it is not a readable backup archive .*Nothing was changed\.$/,
    )
  })

  it('refuses flipped bits (gzip checksum) and a file that is no archive at all', async () => {
    const bytes = Buffer.from(await readFile(good))
    const mid = Math.floor(bytes.length / 2)
    bytes[mid] = (bytes[mid] as number) ^ 0xff
    const flipped = join(dir.path, 'flipped.tar.gz')
    await writeFile(flipped, bytes)
    expect(await refused(flipped)).toMatch(/not a readable backup archive/)
    const text = join(dir.path, 'notes.tar.gz')
    await writeFile(text, 'hello')
    expect(await refused(text)).toMatch(/not a readable backup archive/)
  })

  it('refuses a file changed after the backup (SHA-256 mismatch) and files the manifest does not list', async () => {
    const unpacked = join(dir.path, 'unpacked')
    await mkdir(unpacked)
    await tar.x({ file: good, cwd: unpacked })
    const settingsPath = join(unpacked, 'data', 'settings.json')
    const original = await readFile(settingsPath, 'utf8')
    await writeFile(settingsPath, original.replace('"version"', '"version" '))
    const tampered = join(dir.path, 'tampered.tar.gz')
    await tar.c({ gzip: true, file: tampered, cwd: unpacked }, ['manifest.json', 'data'])
    expect(await refused(tampered)).toMatch(
      /settings\.json (is damaged \(SHA-256 mismatch\)|has the wrong size)/,
    )

    await writeFile(settingsPath, original)
    await writeFile(join(unpacked, 'data', 'extra.json'), '{}')
    const extra = join(dir.path, 'extra.tar.gz')
    await tar.c({ gzip: true, file: extra, cwd: unpacked }, ['manifest.json', 'data'])
    expect(await refused(extra)).toMatch(/a file its manifest does not list \(extra\.json\)/)
  })

  it('refuses path tricks and archives from a newer app', async () => {
    const unpacked = join(dir.path, 'unpacked2')
    await mkdir(join(unpacked, 'data'), { recursive: true })
    await tar.x({ file: good, cwd: unpacked })
    await writeFile(join(dir.path, 'evil.json'), '{}')
    const evil = join(dir.path, 'evil.tar.gz')
    await tar.c({ gzip: true, file: evil, cwd: unpacked, preservePaths: true }, [
      'manifest.json',
      'data',
      '../evil.json',
    ])
    expect(await refused(evil)).toMatch(
      /an entry that a backup never has|not a readable backup archive/,
    )

    const manifest = JSON.parse(await readFile(join(unpacked, 'manifest.json'), 'utf8')) as {
      version: number
    }
    manifest.version = 99
    await writeFile(join(unpacked, 'manifest.json'), JSON.stringify(manifest))
    const newer = join(dir.path, 'newer.tar.gz')
    await tar.c({ gzip: true, file: newer, cwd: unpacked }, ['manifest.json', 'data'])
    expect(await refused(newer)).toMatch(/made by a newer version of the app \(backup format 99\)/)
  })

  it('refuses a SQLite file that fails its integrity check even when the manifest matches it', async () => {
    const unpacked = join(dir.path, 'unpacked3')
    await mkdir(unpacked)
    await tar.x({ file: good, cwd: unpacked })
    const db = join(unpacked, 'data', 'readings.sqlite')
    const bytes = Buffer.from(await readFile(db))
    bytes.fill(0x41, 4096, 8192) // smash page 2
    await writeFile(db, bytes)
    const manifest = JSON.parse(await readFile(join(unpacked, 'manifest.json'), 'utf8')) as {
      files: { path: string; bytes: number; sha256: string }[]
    }
    const { createHash } = await import('node:crypto')
    const entry = manifest.files.find((f) => f.path === 'readings.sqlite') as {
      bytes: number
      sha256: string
    }
    entry.sha256 = createHash('sha256').update(bytes).digest('hex')
    entry.bytes = (await stat(db)).size
    await writeFile(join(unpacked, 'manifest.json'), JSON.stringify(manifest))
    const forged = join(dir.path, 'forged.tar.gz')
    await tar.c({ gzip: true, file: forged, cwd: unpacked }, ['manifest.json', 'data'])
    expect(await refused(forged)).toMatch(
      /readings\.sqlite (failed its integrity check|is not a usable database)/,
    )
  })
})
