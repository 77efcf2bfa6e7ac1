/**
 * The device screens against the built app in web mode with its embedded broker:
 * virtual devices speak the firmware protocol over real MQTT, the page must follow.
 */
import { expect, test, type Page } from '@playwright/test'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mosquittoPub } from './fixtures/mqtt-tools'
import { serveApp, type ServedApp } from './fixtures/server'
import { VirtualDevice } from './fixtures/virtual-device'
import { watchErrors } from './fixtures/watch-errors'

const BROKER_ARGS = ['--broker-port', '0', '--anonymous-loopback']
const MINUTE = 60_000

let dataDir: string
let app: ServedApp
const devices: VirtualDevice[] = []

test.beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'iotcc-e2e-devices-'))
  app = await serveApp(BROKER_ARGS, { dataDir, expectBroker: true })
})
test.afterAll(async () => {
  await Promise.all(devices.map((d) => d.close().catch(() => {})))
  await app.stop()
  await rm(dataDir, { recursive: true, force: true })
})

async function device(id: string, name: string): Promise<VirtualDevice> {
  const d = new VirtualDevice({ brokerUrl: app.brokerUrl!, id, name, rssi: -58, fw: '1.4.2' })
  await d.connect()
  devices.push(d)
  return d
}

const card = (page: Page, id: string) => page.locator(`.device-card[data-device-id="${id}"]`)

test('devices appear live, update, go offline, keep their name across a restart and export to CSV', async ({
  page,
}) => {
  test.setTimeout(120_000)
  const errors = watchErrors(page)
  const kitchen = await device('e2e-kitchen', 'Kitchen sensor')
  const cellar = await device('e2e-cellar', 'Cellar sensor')
  // History with the device's own timestamps (the firmware stamps readings once NTP is set).
  const now = Date.now()
  const backlog = [0, 1, 2, 3, 4].map((i) => ({
    ts: now - (50 - i * 10) * MINUTE,
    t: 20 + i / 10,
    h: 40 + i,
  }))
  for (const r of backlog) await kitchen.send(r.t, r.h, r.ts)
  await kitchen.send(21.5, 45.5, Date.now())
  await cellar.send(12.3, 80.1)

  await test.step('the list shows both devices with values, units, age, signal and firmware', async () => {
    await page.goto(app.url)
    await expect(card(page, 'e2e-kitchen')).toContainText('Kitchen sensor')
    await expect(card(page, 'e2e-kitchen').locator('[data-metric="temperature"]')).toHaveText(
      '21.5 °C',
    )
    await expect(card(page, 'e2e-kitchen').locator('[data-metric="humidity"]')).toHaveText('45.5 %')
    await expect(card(page, 'e2e-kitchen')).toContainText('-58 dBm')
    await expect(card(page, 'e2e-kitchen')).toContainText('fw 1.4.2')
    await expect(card(page, 'e2e-kitchen')).toContainText('Our firmware')
    await expect(card(page, 'e2e-kitchen').locator('time')).toHaveText(/now|\d+s ago/)
    await expect(card(page, 'e2e-cellar').locator('[data-metric="temperature"]')).toHaveText(
      '12.3 °C',
    )
    await expect(card(page, 'e2e-kitchen').locator('.status')).toHaveAttribute(
      'data-state',
      'online',
    )
  })

  await test.step('search, table view and back', async () => {
    await page.getByLabel('Search devices').fill('cellar')
    await expect(card(page, 'e2e-kitchen')).toHaveCount(0)
    await expect(card(page, 'e2e-cellar')).toBeVisible()
    await page.getByLabel('Search devices').fill('')
    await page.getByRole('radio', { name: /Table/ }).click()
    const row = page.locator('tr[data-device-id="e2e-kitchen"]')
    await expect(row).toContainText('Kitchen sensor')
    await expect(row.locator('[data-metric="temperature"]')).toHaveText('21.5 °C')
    await page.getByRole('radio', { name: /Grid/ }).click()
    await expect(card(page, 'e2e-kitchen')).toBeVisible()
  })

  await test.step('the detail view follows new readings in its gauges and live chart', async () => {
    await card(page, 'e2e-kitchen').click()
    await expect(page.getByRole('heading', { level: 1, name: 'Kitchen sensor' })).toBeVisible()
    const gauge = page.getByTestId('gauge-temp')
    await expect(gauge).toHaveText(/21\.5\s*°C/)
    await expect(page.getByTestId('gauge-hum')).toHaveText(/45\.5\s*%/)
    const liveChart = page.getByRole('img', { name: 'Live temperature chart' }).locator('canvas')
    await expect(liveChart).toBeVisible()
    const before = await liveChart.evaluate((c: HTMLCanvasElement) => c.toDataURL())
    await kitchen.send(23.9, 47.25, Date.now())
    await expect(gauge).toHaveText(/23\.9\s*°C/)
    await expect
      .poll(() => liveChart.evaluate((c: HTMLCanvasElement) => c.toDataURL()))
      .not.toBe(before)
  })

  await test.step('errors the device reports appear under recent events', async () => {
    await kitchen.event('sensor_error', 'error', 'DHT22 did not answer (timeout)')
    const events = page.getByRole('region', { name: 'Recent events' })
    await expect(events).toContainText('DHT22 did not answer (timeout)')
    await expect(events.locator('.event--error')).toContainText('sensor_error')
  })

  await test.step('commands reach the device and its ack is shown', async () => {
    await page.getByRole('button', { name: 'Identify' }).click()
    await expect(page.getByText(/The LED blinks for 10 s \(confirmed in \d+ ms\)/)).toBeVisible()
    expect(kitchen.commands.at(-1)).toMatchObject({ cmd: 'identify', seconds: 10 })
    const reporting = page.getByRole('form', { name: 'Reporting' })
    await reporting.locator('input[name="interval"]').fill('30')
    await reporting.getByRole('button', { name: 'Send to device' }).click()
    await expect(reporting.getByText(/Applied: .*interval_s = 30/)).toBeVisible()
    expect(kitchen.commands.at(-1)).toMatchObject({ cmd: 'set', interval: 30 })
  })

  await test.step('renaming and setting a location', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Kitchen shelf')
    await page.getByLabel('Location', { exact: true }).fill('Kitchen')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Kitchen shelf' })).toBeVisible()
  })

  await test.step('a device that loses its connection shows offline through its Last Will', async () => {
    await page.getByRole('link', { name: '← All devices' }).click()
    await expect(card(page, 'e2e-cellar').locator('.status')).toHaveAttribute(
      'data-state',
      'online',
    )
    cellar.kill()
    await expect(card(page, 'e2e-cellar').locator('.status')).toHaveAttribute(
      'data-state',
      'offline',
      { timeout: 20_000 },
    )
    await expect(card(page, 'e2e-kitchen').locator('.status')).toHaveAttribute(
      'data-state',
      'online',
    )
  })

  await test.step('the name survives a restart of the app with the same data folder', async () => {
    await page.goto('about:blank')
    for (const d of devices) await d.close().catch(() => {})
    devices.length = 0
    await app.stop()
    app = await serveApp(BROKER_ARGS, { dataDir, expectBroker: true })
    await page.goto(app.url)
    await expect(card(page, 'e2e-kitchen')).toContainText('Kitchen shelf')
    await page.getByLabel('Group by location').check()
    const kitchenGroup = page.getByRole('region', { name: 'Kitchen (1)' })
    await expect(kitchenGroup.locator('.device-card')).toHaveAttribute(
      'data-device-id',
      'e2e-kitchen',
    )
    await expect(page.getByRole('region', { name: 'No location (1)' })).toContainText(
      'Cellar sensor',
    )
    await page.getByLabel('Group by location').uncheck()
  })

  await test.step('°F in settings converts every temperature shown', async () => {
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Temperature unit').selectOption('F')
    await page.getByRole('link', { name: 'Devices' }).click()
    // 23.9 °C = 75.02 °F
    await expect(card(page, 'e2e-kitchen').locator('[data-metric="temperature"]')).toHaveText(
      '75.0 °F',
    )
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Temperature unit').selectOption('C')
    await page.getByRole('link', { name: 'Devices' }).click()
  })

  await test.step('the seed article’s `temp:21,hum:40` from mosquitto_pub shows a device', async () => {
    await mosquittoPub(app.brokerUrl!, 'home/sensors/temp_hum', 'temp:21,hum:40')
    const seed = card(page, 'home.sensors.temp_hum')
    await expect(seed).toBeVisible()
    await expect(seed.locator('[data-metric="temperature"]')).toHaveText('21.0 °C')
    await expect(seed.locator('[data-metric="humidity"]')).toHaveText('40.0 %')
    await expect(seed).toContainText('Seed format')
  })

  await test.step('forgetting a device removes it and its readings', async () => {
    await card(page, 'home.sensors.temp_hum').click()
    await page.getByRole('button', { name: 'Forget device…' }).click()
    await page.getByRole('button', { name: /Yes, forget it/ }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Devices' })).toBeVisible()
    await expect(card(page, 'home.sensors.temp_hum')).toHaveCount(0)
  })

  await test.step('CSV export downloads exactly the readings of the shown range', async () => {
    await card(page, 'e2e-kitchen').click()
    const downloading = page.waitForEvent('download', { timeout: 15_000 })
    await page.getByRole('button', { name: /Export CSV/ }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^readings-.*\.csv$/)
    const lines = (await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/)
    expect(lines[0]).toMatch(/^time \(UTC\),device id,device name,temperature/)
    const rows = lines.slice(1).map((l) => l.split(','))
    expect(rows.every((r) => r[1] === 'e2e-kitchen')).toBe(true)
    const temps = rows.map((r) => Number(r[3]))
    expect(temps).toEqual([...backlog.map((r) => r.t), 21.5, 23.9])
    // The firmware stamps whole epoch seconds.
    expect(rows[0]?.[0]).toBe(new Date(Math.floor(backlog[0]!.ts / 1000) * 1000).toISOString())
  })

  expect(errors).toEqual([])
})
