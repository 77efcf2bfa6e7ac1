/**
 * Layout fixes from a screenshot review, checked by geometry in real Chromium at 1280 px:
 * the Refused topics card keeps a client id on one line, the device table's Firmware column
 * stays inside the screen with its Update badge, a CO₂ board's card shows its CO₂, number
 * tiles keep their own height and a four-digit gauge value fits its ring. Devices publish
 * with Debian's `mosquitto_pub`; the refused client is a real `mosquitto_pub` with a login.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import { mosquittoPub } from './fixtures/mqtt-tools'
import { RpcClient } from './fixtures/rpc'
import { serveApp, type ServedApp } from './fixtures/server'

const run = promisify(execFile)
const SHOTS = process.env.UI_POLISH_SHOTS

let app: ServedApp
test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
})
test.afterAll(async () => {
  await app.stop()
})
test.use({ viewport: { width: 1280, height: 800 } })

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme })
    await page.screenshot({ path: `${SHOTS}/${name}-${scheme}.png` })
  }
}

test('a refused client id such as zigbee2mqtt stays on one line', async ({ page }) => {
  // Logins only: with anonymous loopback on, a local client is never refused anything.
  const app = await serveApp(['--broker-port', '0'], { expectBroker: true })
  try {
    await refusalShows(page, app)
  } finally {
    await app.stop()
  }
})

/** A Zigbee2MQTT bridge's set topic for a device: long, so the table has to share out space. */
const LONG_TOPIC = 'zigbee2mqtt/living-room/radiator-thermostat-0x00158d0001a2b3c4/set/preset'

async function refusalShows(page: Page, app: ServedApp): Promise<void> {
  await page.setViewportSize({ width: 1024, height: 768 })
  const rpc = await RpcClient.connect(app.url)
  const login = await rpc.call('broker.credentials.issue', { deviceId: 'zigbee2mqtt' })
  rpc.close()
  const { hostname, port } = new URL(app.brokerUrl!)
  await run('mosquitto_pub', [
    ...['-h', hostname, '-p', port, '-i', 'zigbee2mqtt'],
    ...['-u', login.username, '-P', login.password],
    ...['-t', LONG_TOPIC, '-m', '{"state":"ON"}', '-q', '1'],
  ]).catch(() => undefined) // refused: the broker closes the connection
  await page.goto(`${app.url}#/broker`)
  const cell = page
    .locator('.refusals-table tbody tr', { hasText: LONG_TOPIC })
    .locator('td.client-id')
  await expect(cell).toHaveText('zigbee2mqtt')
  const code = cell.locator('code')
  const lineHeight = await code.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20)
  expect((await code.boundingBox())!.height).toBeLessThan(lineHeight * 1.5)
  await cell.scrollIntoViewIfNeeded()
  await shoot(page, 'refusals')
}

/** A Tasmota plug and an outdated board of ours (Update badge), with their firmware versions. */
async function publishFirmwareBoards(brokerUrl: string): Promise<void> {
  const info = JSON.stringify({
    Info1: { Module: 'Sonoff Basic', Version: '14.2.0(release-tasmota32-sensors)' },
  })
  await mosquittoPub(brokerUrl, 'tele/polish-plug/INFO1', info)
  await mosquittoPub(brokerUrl, 'tele/polish-plug/SENSOR', '{"ENERGY":{"Power":12.5}}')
  const ours = { id: 'polish-board', name: 'Polish board', fw: '0.0.1-pre-release-build' }
  await mosquittoPub(brokerUrl, 'iot/polish-board/info', JSON.stringify(ours), true)
  await mosquittoPub(brokerUrl, 'iot/polish-board/telemetry', '{"temperature":20,"humidity":50}')
}

test('the table keeps long firmware versions and the Update badge inside the screen', async ({
  page,
}) => {
  await publishFirmwareBoards(app.brokerUrl!)
  await page.goto(app.url)
  await page.getByRole('radio', { name: /Table/ }).click()
  for (const id of ['polish-plug', 'polish-board']) {
    const cell = page.locator(`tr[data-device-id="${id}"] td`).last()
    await expect(cell).not.toHaveText(/–/)
    const box = (await cell.boundingBox())!
    const text = cell.locator('.fw-cell .truncate')
    // Cut with an ellipsis, whole in the tooltip.
    await expect(cell).toHaveAttribute('title', /\S{12,}/)
    const textBox = (await text.boundingBox())!
    expect(textBox.x + textBox.width).toBeLessThanOrEqual(box.x + box.width)
    expect(box.x + box.width).toBeLessThanOrEqual(1280)
  }
  const badge = page.locator('tr[data-device-id="polish-board"] .badge--ota')
  await expect(badge).toBeVisible()
  const cell = (await page.locator('tr[data-device-id="polish-board"] td').last().boundingBox())!
  const b = (await badge.boundingBox())!
  expect(b.x + b.width).toBeLessThanOrEqual(cell.x + cell.width)
  await shoot(page, 'table-firmware')
})

test('a CO₂ board: its card shows CO₂ too; in detail, number tiles keep their height and 1,015.5 hPa fits its gauge', async ({
  page,
}) => {
  const reading = {
    ...{ temperature: 21.5, humidity: 40, pressure: 1015.5, co2: 612, illuminance: 320 },
  }
  await mosquittoPub(app.brokerUrl!, 'lab/polish-air', JSON.stringify(reading))
  await page.goto(app.url)
  const card = page.locator('.device-card', { hasText: 'polish-air' })
  await expect(card.locator('[data-metric="co2"]')).toHaveText('612 ppm')
  const cardBox = (await card.boundingBox())!
  for (const metric of ['temperature', 'humidity', 'co2']) {
    const box = (await card.locator(`[data-metric="${metric}"]`).boundingBox())!
    expect(box.x + box.width, metric).toBeLessThanOrEqual(cardBox.x + cardBox.width - 8)
  }
  await shoot(page, 'co2-card')

  await card.click()
  const tile = page.locator('.gauge-card', { has: page.locator('.stat-tile') }).first()
  await expect(tile.locator('.stat-tile')).toHaveText(/320/)
  const pressure = page.locator('.gauge-card', { hasText: 'Pressure' })
  const number = pressure.locator('.gauge__value')
  await expect(number).toHaveText(/1,015\.5\s*hPa/)
  const tileBox = (await tile.boundingBox())!
  const gaugeBox = (await pressure.boundingBox())!
  // A number tile is as tall as its content, not as the gauge card beside it.
  expect(tileBox.height).toBeLessThan(gaugeBox.height * 0.75)
  // The number and its unit fit inside the gauge's ring area with room to spare.
  const canvas = (await pressure.locator('.gauge__canvas').boundingBox())!
  const text = await number.evaluate((el) => {
    const range = document.createRange()
    range.selectNodeContents(el)
    const r = range.getBoundingClientRect()
    return { left: r.left, right: r.right }
  })
  expect(text.left).toBeGreaterThanOrEqual(canvas.x + 0.12 * canvas.width)
  expect(text.right).toBeLessThanOrEqual(canvas.x + 0.88 * canvas.width)
  await pressure.scrollIntoViewIfNeeded()
  await shoot(page, 'detail-tiles')
})
