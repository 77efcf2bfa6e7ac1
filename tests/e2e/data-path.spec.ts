/**
 * The Broker screen's Data path card against the real server: readings per second from a
 * device publishing, the backlog and lag, and what the data path gave up, in words.
 */
import { expect, test } from '@playwright/test'
import mqtt from 'mqtt'
import { serveApp, type ServedApp } from './fixtures/server'
import { VirtualDevice } from './fixtures/virtual-device'
import { nav } from './fixtures/shot-steps'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp
let device: VirtualDevice
let ticker: ReturnType<typeof setInterval>

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
  device = new VirtualDevice({ brokerUrl: app.brokerUrl!, id: 'path-kitchen', name: 'Kitchen' })
  await device.connect()
  // Five readings a second (temperature and humidity each), stamped like the firmware.
  ticker = setInterval(() => void device.send(21.5, 45, Date.now()).catch(() => {}), 400)
})
test.afterAll(async () => {
  clearInterval(ticker)
  await device.close()
  await app.stop()
})

test('Data path shows the flow, the backlog and, in words, what was given up', async ({ page }) => {
  test.setTimeout(90_000)
  const errors = watchErrors(page)
  await page.goto(app.url)
  await nav(page, 'Broker')
  const card = page.getByRole('region', { name: 'Data path' })

  await test.step('readings flow, on time, nothing waiting, nothing given up', async () => {
    await expect(card.getByTestId('data-path-status')).toHaveText('On time')
    await expect(card.getByTestId('ingest-rate')).toHaveText(/^[1-9]/, { timeout: 15_000 })
    await expect(card.getByTestId('ingest-backlog')).toHaveText(/^\d+ \/ [\d,]+$/)
    await expect(card.getByRole('meter', { name: 'Backlog' })).toBeVisible()
    await expect(card.getByTestId('ingest-pauses')).toHaveText('0')
    await expect(card.getByTestId('shed-none')).toHaveText(
      'Nothing: every message that arrived was kept.',
    )
  })

  await test.step('a client spraying 10,050 junk topics: samples and explorer entries are given up', async () => {
    const junk = await mqtt.connectAsync(app.brokerUrl!, { reconnectPeriod: 0 })
    for (let i = 0; i < 10_050; i++) junk.publish(`junk/${i}`, 'not a reading', { qos: 0 })
    await junk.endAsync()
    const unreadable = card.locator('[data-shed="unparsedEvicted"]')
    await expect(unreadable).toContainText(/[\d,]+ unreadable messages not kept as samples/, {
      timeout: 20_000,
    })
    await expect(unreadable).toContainText('every one is still counted')
    const topics = card.locator('[data-shed="topicsEvicted"]')
    await expect(topics).toContainText(/[\d,]+ topics forgotten by the topic explorer/)
    await expect(topics).toContainText('Readings from those topics are not affected.')
    await expect(card.getByTestId('shed-none')).toHaveCount(0)
    await expect(card.locator('[data-shed="storeFailed"]')).toHaveCount(0)
  })

  expect(errors).toEqual([])
})
