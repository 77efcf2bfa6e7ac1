import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { JsonStore } from '../../src/main/core/base/json-store'
import { silentLogger } from '../../src/main/core/base/logger'
import { SettingsStore } from '../../src/main/core/settings/settings-store'
import { tempDir } from '../helpers/temp-dir'

let dir: Awaited<ReturnType<typeof tempDir>>
beforeEach(async () => {
  dir = await tempDir()
})
afterEach(() => dir.cleanup())

const Schema = z.object({ name: z.string(), count: z.number() })
const store = (file: string, version = 2) =>
  new JsonStore({
    file,
    schema: Schema,
    version,
    // v1 stored `title` instead of `name`.
    migrations: {
      1: (data) => ({
        name: (data as { title: string }).title,
        count: (data as { count: number }).count,
      }),
    },
    defaults: () => ({ name: 'default', count: 0 }),
    logger: silentLogger,
    now: () => 1234,
  })

describe('JsonStore', () => {
  it('creates the file with defaults and a version header', async () => {
    const file = join(dir.path, 'doc.json')
    expect(await store(file).load()).toEqual({ name: 'default', count: 0 })
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      version: 2,
      data: { name: 'default', count: 0 },
    })
  })

  it('round-trips a saved value', async () => {
    const file = join(dir.path, 'doc.json')
    const a = store(file)
    await a.load()
    await a.replace({ name: 'kitchen', count: 3 })
    expect(await store(file).load()).toEqual({ name: 'kitchen', count: 3 })
  })

  it('migrates an older format and rewrites it in the current one', async () => {
    const file = join(dir.path, 'doc.json')
    await writeFile(file, JSON.stringify({ version: 1, data: { title: 'old', count: 5 } }))
    expect(await store(file).load()).toEqual({ name: 'old', count: 5 })
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(2)
  })

  it.each([
    ['not JSON', '{"version": 2, "data": {', /is not valid JSON/],
    ['no header', '{"name":"x","count":1}', /missing its version header/],
    ['wrong shape', '{"version":2,"data":{"name":5}}', /does not match the expected format/],
    ['newer app', '{"version":9,"data":{"name":"x","count":1}}', /newer version/],
  ])(
    'sets aside a %s file, keeps its bytes, and starts from defaults',
    async (_label, content, reason) => {
      const file = join(dir.path, 'doc.json')
      await writeFile(file, content)
      const s = store(file)
      expect(await s.load()).toEqual({ name: 'default', count: 0 })
      expect(s.warnings[0]).toMatch(reason)
      const aside = (await readdir(dir.path)).find((f) => f.startsWith('doc.json.corrupt-'))
      expect(aside).toBe('doc.json.corrupt-1234')
      expect(await readFile(join(dir.path, aside!), 'utf8')).toBe(content)
    },
  )
})

describe('SettingsStore', () => {
  it('applies a patch field by field and notifies listeners', async () => {
    const settings = new SettingsStore(dir.path, silentLogger)
    await settings.load()
    const seen: string[] = []
    settings.onChange((s) => seen.push(s.ui.theme))
    const next = await settings.update({ ui: { theme: 'dark' }, storage: { retentionDays: 30 } })
    expect(next.ui).toEqual({ theme: 'dark', units: 'C' })
    expect(next.storage.retentionDays).toBe(30)
    expect(seen).toEqual(['dark'])
    const reopened = new SettingsStore(dir.path, silentLogger)
    expect((await reopened.load()).ui.theme).toBe('dark')
  })
})
