import { readdirSync, statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { ConnectionStore, type StoredConnection } from '../../src/main/core/mqtt/connection-store'
import { plainCodec, secretFileName } from '../../src/main/core/base/secret-box'
import { electronSecretBox } from '../../src/main/shell/secret-box-electron'
import { FakeSafeStorage } from '../unit/shell/fake-electron'
import { stateFileProblem } from '../../src/main/core/backup/state-documents'
import { recordingLogger } from '../helpers/recording-logger'
import { useTempDir } from '../helpers/use-temp-dir'

const SECRETS_FILES = {
  plain: secretFileName('connection', 'plain'),
  'os-keychain': secretFileName('connection', 'os-keychain'),
}
const PASSWORD = 'hunter2-Sekr1t'
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQ-not-a-real-key\n-----END PRIVATE KEY-----'

function connection(id: string, extra: Partial<StoredConnection> = {}): StoredConnection {
  return {
    id,
    name: `Broker ${id}`,
    url: 'mqtts://broker.example:8883',
    username: 'app',
    password: PASSWORD,
    protocolVersion: 4,
    clientId: `iotcc-${id}`,
    clean: true,
    sessionExpiryS: 0,
    subscriptions: [{ topic: 'iot/#', qos: 1 }],
    key: KEY,
    rejectUnauthorized: true,
    enabled: false,
    ...extra,
  }
}

const dir = useTempDir('conn-secrets-')

const read = (name: string): Promise<string> => readFile(join(dir.path, name), 'utf8')

describe('connection secrets at rest', () => {
  it('keeps passwords and TLS keys out of connections.json, in a 0600 file (web mode)', async () => {
    const store = new ConnectionStore(dir.path, silentLogger)
    await store.load()
    await store.put(connection('a'))
    expect(await read('connections.json')).not.toContain(PASSWORD)
    expect(await read('connections.json')).not.toContain('PRIVATE KEY')
    expect(await read(SECRETS_FILES.plain)).toContain(PASSWORD)
    expect(statSync(join(dir.path, SECRETS_FILES.plain)).mode & 0o777).toBe(0o600)

    const again = new ConnectionStore(dir.path, silentLogger)
    await again.load()
    expect(again.list()[0]).toMatchObject({ id: 'a', password: PASSWORD, key: KEY })
  })

  it('in the desktop app seals them with safeStorage: no file holds them in clear', async () => {
    const codec = electronSecretBox(new FakeSafeStorage())
    const store = new ConnectionStore(dir.path, silentLogger, codec)
    await store.load()
    await store.put(connection('a'))
    for (const name of readdirSync(dir.path)) expect(await read(name), name).not.toContain(PASSWORD)
    const again = new ConnectionStore(dir.path, silentLogger, codec)
    await again.load()
    expect(again.list()[0]?.password).toBe(PASSWORD)
  })

  it('moves plain-text passwords of an older connections.json on load, logging none', async () => {
    const old = {
      version: 1,
      data: {
        appClientId: 'iotcc-old',
        connections: [connection('a'), connection('b', { password: undefined, key: undefined })],
      },
    }
    await writeFile(join(dir.path, 'connections.json'), JSON.stringify(old))
    const lines: string[] = []
    const store = new ConnectionStore(
      dir.path,
      recordingLogger(lines),
      electronSecretBox(new FakeSafeStorage()),
    )
    await store.load()
    expect(await read('connections.json')).not.toContain(PASSWORD)
    expect(store.list().map((c) => [c.id, c.password])).toEqual([
      ['a', PASSWORD],
      ['b', undefined],
    ])
    expect(store.appClientId).toBe('iotcc-old')
    expect(lines.join('\n')).toContain('moved out of connections.json')
    expect(lines.join('\n')).not.toContain(PASSWORD)
  })

  it('a tampered secret file gives a clear warning, is kept aside, and loses no connection', async () => {
    const safe = new FakeSafeStorage()
    const first = new ConnectionStore(dir.path, silentLogger, electronSecretBox(safe))
    await first.load()
    await first.put(connection('a'))
    await first.put(connection('b'))
    const file = join(dir.path, SECRETS_FILES['os-keychain'])
    const body = JSON.parse(await readFile(file, 'utf8')) as {
      data: { secrets: Record<string, Record<string, string>> }
    }
    const sealed = Buffer.from(body.data.secrets.a!.password!, 'base64')
    sealed[sealed.length - 1]! ^= 0xff
    body.data.secrets.a!.password = sealed.toString('base64')
    const tampered = JSON.stringify(body)
    await writeFile(file, tampered)

    const store = new ConnectionStore(dir.path, silentLogger, electronSecretBox(safe), () => 42)
    await store.load()
    expect(store.warnings.join('\n')).toMatch(
      /cannot be decrypted.*moved to .*corrupt-42.*enter their passwords/s,
    )
    expect(store.list().map((c) => c.id)).toEqual(['a', 'b'])
    expect(store.list().every((c) => c.password === undefined)).toBe(true)
    expect(await read(`${SECRETS_FILES['os-keychain']}.corrupt-42`)).toBe(tampered)
  })

  it('a secret file that is not JSON is set aside the same way', async () => {
    const store = new ConnectionStore(dir.path, silentLogger, plainCodec, () => 7)
    await store.load()
    await store.put(connection('a'))
    await writeFile(join(dir.path, SECRETS_FILES.plain), '{"version":1,"codec":"pla')
    const again = new ConnectionStore(dir.path, silentLogger, plainCodec, () => 7)
    await again.load()
    expect(again.warnings.join('\n')).toMatch(/is not valid JSON; it was moved to/)
    expect(again.list()).toHaveLength(1)
  })

  it('the backup accepts both secret files as files this app keeps', async () => {
    const store = new ConnectionStore(dir.path, silentLogger)
    await store.load()
    await store.put(connection('a'))
    const desktop = new ConnectionStore(
      dir.path,
      silentLogger,
      electronSecretBox(new FakeSafeStorage()),
    )
    await desktop.load()
    await desktop.put(connection('b'))
    for (const name of Object.values(SECRETS_FILES))
      expect(await stateFileProblem(join(dir.path, name), name), name).toBeNull()
    await writeFile(join(dir.path, SECRETS_FILES.plain), '{"version":1,"data":{"codec":"plain"}}')
    expect(
      await stateFileProblem(join(dir.path, SECRETS_FILES.plain), SECRETS_FILES.plain),
    ).toMatch(/does not match the expected format/)
  })

  it('removing a connection removes its secrets', async () => {
    const store = new ConnectionStore(dir.path, silentLogger)
    await store.load()
    await store.put(connection('a'))
    await store.remove('a')
    expect(await read(SECRETS_FILES.plain)).not.toContain(PASSWORD)
  })

  it('refuses to save a password when the desktop has no keychain, rather than writing it in clear', async () => {
    const store = new ConnectionStore(
      dir.path,
      silentLogger,
      electronSecretBox(new FakeSafeStorage(false)),
    )
    await store.load()
    await expect(store.put(connection('a'))).rejects.toThrow(/keychain is not available/)
    for (const name of readdirSync(dir.path)) expect(await read(name), name).not.toContain(PASSWORD)
  })
})
