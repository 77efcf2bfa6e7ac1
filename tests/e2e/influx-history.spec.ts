/**
 * Web mode with InfluxDB as the history store (`serve --history influx`), against a real
 * influxd 1.x: what a board sends lands in InfluxDB, and the device page's history and CSV
 * export read InfluxDB, including points another instance wrote there.
 */
import { expect, test } from '@playwright/test'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Influxd } from '../integration/influx/influxd'
import { serveApp, type ServedApp } from './fixtures/server'
import { VirtualDevice } from './fixtures/virtual-device'
import { watchErrors } from './fixtures/watch-errors'

const MINUTE = 60_000
let tmp: string
let influxd: Influxd
let app: ServedApp
let board: VirtualDevice | undefined

test.beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'iotcc-e2e-influx-'))
  influxd = await Influxd.create(join(tmp, 'influxd'))
  await influxd.start()
  app = await serveApp(
    [
      ...['--broker-port', '0', '--anonymous-loopback'],
      ...['--history', 'influx', '--influx-url', `${influxd.url}/e2e`],
    ],
    { dataDir: join(tmp, 'app'), expectBroker: true },
  )
})
test.afterAll(async () => {
  await board?.close().catch(() => {})
  await app?.stop()
  await influxd?.stop()
  await rm(tmp, { recursive: true, force: true })
})

test('history and export of a device come from InfluxDB', async ({ page }) => {
  const errors = watchErrors(page)
  const now = Date.now()
  // Points another instance (an ingest instance of a cluster) wrote straight to InfluxDB.
  const elsewhere = [40, 30, 20].map((m, i) => ({ ts: now - m * MINUTE, t: 10 + i }))
  const lines = elsewhere.map((r) => `iot,device=e2e-attic temperature=${r.t},humidity=50 ${r.ts}`)
  await fetch(`${influxd.url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: 'CREATE DATABASE e2e' }),
  })
  const written = await fetch(`${influxd.url}/write?db=e2e&precision=ms`, {
    method: 'POST',
    body: lines.join('\n'),
  })
  expect(written.status).toBe(204)

  board = new VirtualDevice({ brokerUrl: app.brokerUrl!, id: 'e2e-attic', name: 'Attic' })
  await board.connect()
  await board.send(21.5, 45.5, now - 10 * MINUTE)
  await board.send(22.25, 46, now)
  await expect.poll(() => influxd.count('e2e', 'iot', 'temperature'), { timeout: 15_000 }).toBe(5)

  await page.goto(app.url)
  await page.locator('.device-card[data-device-id="e2e-attic"]').click()
  await expect(page.getByRole('heading', { level: 1, name: 'Attic' })).toBeVisible()
  const history = page.locator('section[aria-labelledby="history-title"]')
  await expect(history.getByText(/Line: average per/)).toBeVisible()
  await expect(history.getByText('No readings stored in this time range.')).toHaveCount(0)
  await history.scrollIntoViewIfNeeded()
  await history.screenshot({ path: test.info().outputPath('influx-history.png') })

  const downloading = page.waitForEvent('download', { timeout: 15_000 })
  await history.getByRole('button', { name: /Export CSV/ }).click()
  const csv = (await readFile(await (await downloading).path(), 'utf8')).trim().split(/\r?\n/)
  const temps = csv.slice(1).map((line) => Number(line.split(',')[3]))
  expect(temps).toEqual([10, 11, 12, 21.5, 22.25])
  expect(errors).toEqual([])
})

test('the history store is chosen in Settings, and the card says a restart applies it', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(`${app.url}#/settings`)
  const card = page.getByRole('region', { name: 'History store' })
  const sqlite = card.getByRole('radio', { name: /this computer/ })
  const influx = card.getByRole('radio', { name: 'InfluxDB' })
  await expect(sqlite).toBeChecked()
  // This server runs with --history influx: the card says so rather than pretend otherwise.
  await expect(card.getByRole('status')).toHaveText(/This run keeps history in InfluxDB/)
  await expect(card).toContainText('InfluxDB 1.x at http://127.0.0.1:8086, database “iot”')
  await influx.focus()
  await page.keyboard.press('Space')
  await expect(card.getByRole('status')).toHaveText(/restart the app/)
  await expect(influx).toBeChecked()
  await page.reload()
  await expect(
    page.getByRole('region', { name: 'History store' }).getByRole('radio', { name: 'InfluxDB' }),
  ).toBeChecked()
  for (const theme of ['light', 'dark']) {
    await page.getByLabel('Theme').selectOption(theme)
    const shown = page.getByRole('region', { name: 'History store' })
    await shown.scrollIntoViewIfNeeded()
    await shown.screenshot({ path: test.info().outputPath(`history-store-${theme}.png`) })
  }
  expect(errors).toEqual([])
})
