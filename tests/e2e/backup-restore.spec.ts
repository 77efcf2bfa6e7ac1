import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import * as tar from 'tar'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp

test.beforeAll(async () => {
  app = await serveApp(['--no-broker'])
})
test.afterAll(async () => {
  await app.stop()
})

/** Switches anonymous loopback on inside `from` and recomputes the manifest, as a forger would. */
async function forge(from: string, to: string): Promise<void> {
  const work = await mkdtemp(join(app.dataDir, 'forge-'))
  await tar.x({ file: from, cwd: work })
  const settingsFile = join(work, 'data', 'settings.json')
  const doc = JSON.parse(await readFile(settingsFile, 'utf8')) as {
    data: { broker: Record<string, unknown> }
  }
  doc.data.broker.allowAnonymousLoopback = true
  await writeFile(settingsFile, JSON.stringify(doc))
  const manifestFile = join(work, 'manifest.json')
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
    files: { path: string; bytes: number; sha256: string }[]
  }
  for (const f of manifest.files) {
    const bytes = await readFile(join(work, 'data', f.path))
    f.bytes = bytes.length
    f.sha256 = createHash('sha256').update(bytes).digest('hex')
  }
  await writeFile(manifestFile, JSON.stringify(manifest))
  await tar.c({ gzip: true, file: to, cwd: work, portable: true }, ['manifest.json', 'data'])
  await rm(work, { recursive: true, force: true })
}

test('restoring a forged backup shows its security changes and waits for a confirmation', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(`${app.url}#/settings`)
  const card = page.getByRole('region', { name: 'Backup and restore' })
  await card.getByRole('button', { name: 'Back up now' }).click()
  await expect(card.getByRole('status')).toContainText('Backed up')
  const made = (await card.locator('td.mono').first().textContent()) as string
  await forge(join(app.dataDir, 'backups', made), join(app.dataDir, 'backups', 'forged.tar.gz'))
  await page.reload()

  page.on('dialog', (dialog) => void dialog.accept())
  const row = card.getByRole('row').filter({ hasText: 'forged.tar.gz' })
  await row.getByRole('button', { name: 'Restore' }).click()
  const review = card.getByRole('alertdialog', { name: 'Security changes' })
  await expect(review).toContainText('Anonymous MQTT access from this computer: off → on')
  expect(existsSync(join(app.dataDir, '.restore-pending'))).toBe(false)

  await review.getByRole('button', { name: 'Restore with these changes' }).click()
  await expect(review).toBeHidden()
  await expect(card.getByRole('status').first()).toContainText('Restart the app to finish')
  expect(existsSync(join(app.dataDir, '.restore-pending'))).toBe(true)
  expect(errors).toEqual([])
})
