/**
 * The Update dialog against the built app in web mode: boards that speak docs/ota.md
 * (tests/simulators/ota) on the embedded broker show "Update" badges; updating all of them
 * from the dialog shows per-board progress and results, and the badges go away.
 */
import { expect, test } from '@playwright/test'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateOtaKey } from '../../src/shared/ota/node'
import { FakeOtaBoard } from '../simulators/ota/fake-ota-board'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let dataDir: string
let app: ServedApp
let shipped: string
const boards: FakeOtaBoard[] = []
const IDS = ['ota-hall', 'ota-attic', 'ota-garage']
/** Comes online in the second test: its new version crashes and the board rolls back. */
const CRASHING = 'ota-cellar'
let keys: Record<string, string>

test.beforeAll(async () => {
  const init = await readFile('firmware/lib/iotfw/__init__.py', 'utf8')
  shipped = /VERSION = "([^"]+)"/.exec(init)![1]!
  dataDir = await mkdtemp(join(tmpdir(), 'iotcc-e2e-ota-'))
  keys = Object.fromEntries([...IDS, CRASHING].map((id) => [id, generateOtaKey()]))
  // What the installer leaves behind for boards it installed.
  await writeFile(join(dataDir, 'ota-keys.json'), JSON.stringify({ version: 1, keys }), {
    mode: 0o600,
  })
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], {
    dataDir,
    expectBroker: true,
  })
  for (const id of IDS) {
    const board = new FakeOtaBoard({ url: app.brokerUrl!, id, key: keys[id]!, version: '0.0.1' })
    await board.connect()
    boards.push(board)
  }
})
test.afterAll(async () => {
  await Promise.all(boards.map((b) => b.close()))
  await app.stop()
  await rm(dataDir, { recursive: true, force: true })
})

test('update every board from the Devices screen, with progress per board', async ({ page }) => {
  const errors = watchErrors(page)
  await page.goto(`${app.url}#/devices`)
  const row = (id: string) => page.locator(`tr[data-device-id="${id}"]`)
  await page.getByRole('radio', { name: /Table/ }).click()
  for (const id of IDS) await expect(row(id)).toContainText(`Update ${shipped}`)

  await page.getByRole('button', { name: 'Update firmware (3)…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Update firmware over the air' })
  await expect(dialog.getByRole('checkbox', { checked: true })).toHaveCount(4) // 3 boards + canary
  await dialog.getByRole('button', { name: `Update 3 boards to ${shipped}` }).click()
  await expect(dialog.getByRole('list', { name: 'Progress per board' })).toBeVisible()
  await expect(dialog.getByText('first')).toHaveCount(1)
  await expect(dialog.getByRole('status')).toContainText('3 updated', { timeout: 30_000 })
  for (const id of IDS) {
    await expect(dialog.locator(`li[data-device-id="${id}"] [data-state]`)).toHaveText('Updated')
  }
  await dialog.getByRole('button', { name: 'Close' }).click()
  for (const id of IDS) {
    await expect(row(id)).toContainText(shipped)
    await expect(row(id)).not.toContainText('Update')
  }
  expect(boards.map((b) => b.version)).toEqual([shipped, shipped, shipped])
  expect(errors).toEqual([])
})

test('a board that rolls back shows as failed, with the reason and the version it went back to', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const board = new FakeOtaBoard({
    url: app.brokerUrl!,
    id: CRASHING,
    key: keys[CRASHING]!,
    version: '0.0.1',
  })
  board.faults.crash = true
  await board.connect()
  boards.push(board)
  await page.goto(`${app.url}#/devices`)
  await page.getByRole('button', { name: 'Update firmware (1)…' }).click()
  const dialog = page.getByRole('dialog', { name: 'Update firmware over the air' })
  await dialog.getByRole('button', { name: `Update 1 board to ${shipped}` }).click()
  const item = dialog.locator(`li[data-device-id="${CRASHING}"]`)
  await expect(item.locator('[data-state]')).toHaveText('Failed', { timeout: 30_000 })
  await expect(item).toContainText('The new version kept crashing: rolled back to 0.0.1')
  await dialog.screenshot({ path: test.info().outputPath('ota-rolled-back.png') })
  expect(board.version).toBe('0.0.1')
  expect(errors).toEqual([])
})
