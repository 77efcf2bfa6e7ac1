/**
 * Backups carry the secret files (InfluxDB password, webhook tokens) like any other state
 * file, a restore brings them back, and no RPC result ever carries the secrets themselves.
 * Real core (web mode: the plain 0600 secret files), real archive.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { secretFileName } from '../../../src/main/core/base/secret-box'
import type { Core } from '../../../src/main/core/create-core'
import { readSavedInflux } from '../../../src/main/core/integrations/integrations-store'
import { tempDir } from '../../helpers/temp-dir'
import { callCore as call, useCores } from '../fixtures/test-cores'

const PASSWORD = 'backup-Pw-55xq'
const HOOK_TOKEN = 'backup-hook-Tk-31'

let dir: { path: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  dir = await tempDir('iotcc-backup-secrets-')
})
afterEach(async () => {
  await dir.cleanup()
})

const cores = useCores()
const start = (): Promise<Core> => cores.start(dir.path, { mqtt: { brokerEnabled: false } })

describe('secrets in backups', () => {
  it('backs up and restores the secret files; RPC results never carry the secrets', async () => {
    const core = await start()
    const saved = await call<unknown>(core, 'integrations.setInflux', { password: PASSWORD })
    const rule = await call<unknown>(core, 'alerts.createRule', {
      name: 'Too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
      actions: { webhook: { url: 'https://hooks.example/x', token: HOOK_TOKEN } },
    })
    const answers = JSON.stringify([
      saved,
      rule,
      await call(core, 'integrations.get'),
      await call(core, 'alerts.listRules'),
    ])
    expect(answers).toContain('"hasPassword":true')
    expect(answers).toContain('"hasToken":true')
    expect(answers).not.toContain(PASSWORD)
    expect(answers).not.toContain(HOOK_TOKEN)

    const backup = await call<{ name?: string; path: string; files: { path: string }[] }>(
      core,
      'backup.create',
    )
    expect(backup.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        secretFileName('integration', 'plain'),
        secretFileName('alert', 'plain'),
      ]),
    )
    const name = (await call<{ name: string }[]>(core, 'backup.list'))[0]!.name

    // Afterwards the password is removed and the rule deleted…
    await call(core, 'integrations.setInflux', { password: '' })
    await call(core, 'alerts.deleteRule', { id: 'too-hot' })
    expect(readSavedInflux(dir.path).password).toBeNull()

    // …and the restore brings both back.
    const staged = await call<{ status?: string; backup: { sha256: string } }>(
      core,
      'backup.restore',
      { name },
    )
    if (staged.status === 'confirm')
      await call(core, 'backup.restore', { name, confirm: staged.backup.sha256 })
    await cores.stop(core)

    const after = await start()
    const view = await call<{ influx: { hasPassword: boolean } }>(after, 'integrations.get')
    expect(view.influx.hasPassword).toBe(true)
    expect(readSavedInflux(dir.path).password).toBe(PASSWORD)
    const rules = await call<{ actions: { webhook: { hasToken: boolean } } }[]>(
      after,
      'alerts.listRules',
    )
    expect(rules.map((r) => r.actions.webhook)).toEqual([
      { url: 'https://hooks.example/x', hasToken: true },
    ])
    const alertSecrets = await readFile(join(dir.path, secretFileName('alert', 'plain')), 'utf8')
    expect(alertSecrets).toContain(HOOK_TOKEN)
    expect(await readFile(join(dir.path, 'alerts.json'), 'utf8')).not.toContain(HOOK_TOKEN)
  })
})
