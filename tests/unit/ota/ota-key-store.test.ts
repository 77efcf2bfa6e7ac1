import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { OtaKeyStore } from '../../../src/main/core/ota/ota-key-store'
import { parseMessage } from '../../../src/shared/parsers/parse-message'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { tempDir } from '../../helpers/temp-dir'

describe('OtaKeyStore', () => {
  let cleanup: (() => Promise<void>) | undefined
  afterEach(async () => cleanup?.())

  it('makes a key once per device, keeps it across restarts, in a 0600 file', async () => {
    const dir = await tempDir('ota-keys-')
    cleanup = dir.cleanup
    const store = new OtaKeyStore(dir.path, silentLogger)
    await store.load()
    expect(store.get('b1')).toBeNull()
    const key = await store.ensure('b1')
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(await store.ensure('b1')).toBe(key)
    expect(statSync(store.file).mode & 0o777).toBe(0o600)
    const again = new OtaKeyStore(dir.path, silentLogger)
    await again.load()
    expect(again.get('b1')).toBe(key)
    await again.remove('b1')
    expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({ version: 1, keys: {} })
  })

  it('sets an unreadable file aside with a warning instead of failing to start', async () => {
    const dir = await tempDir('ota-keys-')
    cleanup = dir.cleanup
    writeFileSync(join(dir.path, 'ota-keys.json'), '{"version":1,"keys":{"b1":"short"}}')
    const store = new OtaKeyStore(dir.path, silentLogger)
    await store.load()
    expect(store.get('b1')).toBeNull()
    expect(store.warnings[0]).toMatch(/not a key file.*reinstalling once over USB/)
  })
})

describe('ingestion', () => {
  it('ignores update transfers: chunks and progress are not readings or devices', () => {
    const ctx = { prefix: 'iot', ha: new HaRegistry() }
    const at = Date.now()
    for (const [topic, payload] of [
      ['iot/b1/ota/status', '{"update":"u-1","state":"receiving","next":8,"total":40}'],
      ['iot/b1/ota/chunk', '\u0000\u0001binary'],
      ['iot/b1/ota/manifest', '{"m":"{}","sig":"00"}'],
    ] as const) {
      const outcome = parseMessage(
        { topic, payload: Buffer.from(payload), receivedAt: at },
        ctx as never,
      )
      expect(outcome.kind, topic).toBe('ignored')
    }
  })
})
