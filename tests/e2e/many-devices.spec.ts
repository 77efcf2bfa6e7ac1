/**
 * The Devices screen with hundreds of devices: only the cards near the screen exist, yet
 * scrolling, the keyboard, sorting, searching and grouping reach every device.
 */
import { expect, test } from '@playwright/test'
import mqtt from 'mqtt'
import { RpcClient } from './fixtures/rpc'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

const N = 300
const id = (i: number) => `many-${String(i).padStart(3, '0')}`

let app: ServedApp

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
  // Our firmware's retained info and one telemetry message per device, from one client.
  const client = await mqtt.connectAsync(app.brokerUrl!, { reconnectPeriod: 0 })
  for (let i = 0; i < N; i++) {
    const info = { id: id(i), name: `Sensor ${i}`, fw: '1.4.2', rssi: -40 - (i % 50) }
    await client.publishAsync(`iot/${id(i)}/info`, JSON.stringify(info), { qos: 1, retain: true })
    await client.publishAsync(
      `iot/${id(i)}/telemetry`,
      `{"temperature":${20 + (i % 10)},"humidity":50}`,
      { qos: 1 },
    )
  }
  await client.endAsync()
  const rpc = await RpcClient.connect(app.url)
  for (let i = 0; i < 6; i++)
    await rpc.call('devices.update', { id: id(i), location: i < 3 ? 'Attic' : 'Cellar' })
  rpc.close()
})
test.afterAll(async () => app.stop())

test('hundreds of devices: a window of cards, every device reachable by scroll, keyboard, sort and search', async ({
  page,
}) => {
  test.setTimeout(90_000)
  const errors = watchErrors(page)
  const cards = page.locator('.device-card')
  await page.goto(app.url)
  await expect(page.locator('.toolbar__count')).toHaveText(`${N} devices`, { timeout: 30_000 })

  await test.step('only the cards near the screen are in the page', async () => {
    await expect(cards.first()).toHaveAttribute('data-device-id', id(0))
    expect(await cards.count()).toBeLessThan(60)
  })

  await test.step('scrolling to the end shows the last device', async () => {
    await page.locator('main').evaluate((main) => (main.scrollTop = main.scrollHeight))
    await expect(page.getByRole('link', { name: /^Sensor 299, online/ })).toBeVisible()
    await page.locator('main').evaluate((main) => (main.scrollTop = 0))
  })

  await test.step('Tab walks card after card past the first screen, each scrolled into view', async () => {
    await cards.first().focus()
    for (let i = 0; i < 30; i++) await page.keyboard.press('Tab')
    const focused = page.locator('.device-card:focus')
    // Names sort as people read numbers: Sensor 0, 1, 2, …
    await expect(focused).toHaveAttribute('data-device-id', id(30))
    await expect(focused).toBeInViewport()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { level: 1, name: 'Sensor 30' })).toBeVisible()
    await page.goBack()
  })

  await test.step('sorting and searching reach devices that were never rendered', async () => {
    await page.getByLabel('Sort devices').selectOption('newest')
    // The last few arrived within the same millisecond or so: one of them leads.
    await expect(cards.first()).toHaveAttribute('data-device-id', /^many-29\d$/)
    await page.getByLabel('Sort devices').selectOption('name')
    await page.getByLabel('Search devices').fill('sensor 27')
    await expect(page.locator('.toolbar__count')).toHaveText(`11 of ${N}`)
    await expect(cards).toHaveCount(11)
    await page.getByLabel('Search devices').fill('no such sensor')
    await expect(page.getByRole('status').filter({ hasText: 'No device matches' })).toBeVisible()
    await page.getByRole('button', { name: 'Clear the search' }).click()
    await expect(page.locator('.toolbar__count')).toHaveText(`${N} devices`)
  })

  await test.step('grouping by location puts each place under its own heading', async () => {
    await page.getByLabel('Group by location').check()
    await expect(page.getByRole('heading', { name: 'Attic (3)' })).toBeVisible()
    await expect(
      page.getByRole('region', { name: 'Cellar (3)' }).locator('.device-card'),
    ).toHaveCount(3)
    await expect(page.getByRole('heading', { name: `No location (${N - 6})` })).toBeVisible()
    await page.getByLabel('Group by location').uncheck()
  })

  expect(errors).toEqual([])
})
