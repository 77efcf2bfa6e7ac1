/**
 * Broker screen and topic explorer against the built app with its embedded broker and the
 * core's own simulator (`simulator.start`), plus a real MQTT subscriber for publishing.
 */
import { expect, test } from '@playwright/test'
import mqtt from 'mqtt'
import { readFile } from 'node:fs/promises'
import { RpcClient } from './fixtures/rpc'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp
let rpc: RpcClient

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
  rpc = await RpcClient.connect(app.url)
  await rpc.call('simulator.start', { count: 3, rateHz: 2 })
})
test.afterAll(async () => {
  await rpc.call('simulator.stop', {}).catch(() => {})
  rpc.close()
  await app.stop()
})

test('the broker screen shows the live broker, issues and revokes device logins, offers the CA', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  await page.getByRole('link', { name: 'Broker' }).click()
  // The app's own client plus three virtual devices.
  await expect
    .poll(async () => Number(await page.getByTestId('broker-clients').textContent()))
    .toBeGreaterThanOrEqual(4)
  await expect
    .poll(async () => Number(await page.getByTestId('broker-in').textContent()))
    .toBeGreaterThan(0)
  const port = new URL(app.brokerUrl!).port
  await expect(page.getByLabel('Port', { exact: true }).first()).toHaveText(port)

  await page.getByLabel('Device id').fill('e2e-garage')
  await page.getByRole('button', { name: 'Create login' }).click()
  const issued = page.locator('.issued')
  await expect(issued).toContainText('e2e-garage')
  await page.getByRole('button', { name: 'Show' }).click()
  const password = await issued.getByLabel('Password', { exact: true }).textContent()
  expect(password?.length).toBeGreaterThanOrEqual(12)
  const row = page.getByRole('row', { name: /e2e-garage/ })
  await expect(row).toBeVisible()

  // The login works on the broker, within the device's own topics, with its own client id.
  const client = await mqtt.connectAsync(app.brokerUrl!, {
    clientId: 'e2e-garage',
    username: (await issued.getByLabel('User name', { exact: true }).textContent()) ?? '',
    password: password ?? '',
    reconnectPeriod: 0,
  })
  await client.endAsync()

  await row.getByRole('button', { name: 'Revoke…' }).click()
  await row.getByRole('button', { name: 'Revoke now' }).click()
  await expect(page.getByRole('row', { name: /e2e-garage/ })).toHaveCount(0)

  const downloading = page.waitForEvent('download', { timeout: 15_000 })
  await page.getByRole('button', { name: /Download CA certificate/ }).click()
  const pem = await readFile(await (await downloading).path(), 'utf8')
  expect(pem).toContain('-----BEGIN CERTIFICATE-----')
  expect(errors).toEqual([])
})

test('an external broker that cannot be reached shows its state and the reason', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  await page.getByRole('link', { name: 'Broker' }).click()
  await page.getByRole('button', { name: '+ Add external broker' }).click()
  await page.getByLabel('Name', { exact: true }).fill('Nowhere')
  await page.getByLabel('Address').fill('mqtt://127.0.0.1:1')
  await page.getByRole('button', { name: 'Test' }).click()
  await expect(page.locator('.connection-form .note-error')).toContainText(
    /refused|unreachable|ECONNREFUSED/i,
  )
  await page.getByRole('button', { name: 'Add connection' }).click()
  const row = page.locator('.connection', { hasText: 'Nowhere' })
  await expect(row.getByTestId('connection-status')).toHaveText(/Reconnecting|Connecting/)
  await expect(row.locator('.connection__error')).toContainText(/refused|unreachable/i)
  await row.getByRole('button', { name: 'Remove…' }).click()
  await row.getByRole('button', { name: 'Remove now' }).click()
  await expect(page.locator('.connection', { hasText: 'Nowhere' })).toHaveCount(0)
  expect(errors).toEqual([])
})

test('the topic explorer shows the live tree with counts and payloads, and publishes', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  await page.getByRole('link', { name: 'Topics' }).click()
  const tree = page.getByRole('tree', { name: 'Topics' })
  await tree.locator('[data-topic="iot"]').click()
  await tree.locator('[data-topic="iot/sim-001"]').click()
  const telemetry = tree.locator('[data-topic="iot/sim-001/telemetry"]')
  await telemetry.click()
  await expect(page.getByTestId('topic-payload')).toContainText('"temperature":')
  // Counts follow every message: publish three to a topic of our own.
  const publisher = await mqtt.connectAsync(app.brokerUrl!, { reconnectPeriod: 0 })
  const counter = tree.locator('[data-topic="e2e/counter"]')
  const countOf = (row: typeof counter) => row.locator('.topic-row__count')
  await publisher.publishAsync('e2e/counter', '1', { qos: 1 })
  await tree.locator('[data-topic="e2e"]').click()
  await expect(countOf(counter)).toHaveText('1')
  await publisher.publishAsync('e2e/counter', '2', { qos: 1 })
  await publisher.publishAsync('e2e/counter', '{"n":3}', { qos: 1, retain: true })
  await expect(countOf(counter)).toHaveText('3')
  await counter.click()
  await expect(page.getByTestId('topic-payload')).toHaveText(/\{\s*"n": 3\s*\}/)
  await publisher.publishAsync('e2e/counter', '', { qos: 1, retain: true })
  await publisher.endAsync()
  await telemetry.click()

  // Keyboard: ↑ moves within the tree, → / ← open and close.
  await telemetry.focus()
  await page.keyboard.press('ArrowLeft')
  await expect(tree.locator('[data-topic="iot/sim-001"]')).toBeFocused()
  await page.keyboard.press('ArrowLeft')
  await expect(tree.locator('[data-topic="iot/sim-001/telemetry"]')).toHaveCount(0)

  const subscriber = await mqtt.connectAsync(app.brokerUrl!, { reconnectPeriod: 0 })
  await subscriber.subscribeAsync('e2e/hello', { qos: 1 })
  const received = new Promise<string>((resolve) =>
    subscriber.on('message', (_t, p) => resolve(p.toString())),
  )
  await page.getByLabel('Topic', { exact: true }).fill('e2e/hello')
  await page.getByLabel('Payload').fill('{"hello":"world"}')
  await page.getByRole('button', { name: 'Publish' }).click()
  await expect(page.getByText('Published to e2e/hello.')).toBeVisible()
  expect(await received).toBe('{"hello":"world"}')
  await subscriber.endAsync()
  await expect(tree.locator('[data-topic="e2e"]')).toBeVisible()
  expect(errors).toEqual([])
})

test('the simulator’s devices fill the device list', async ({ page }) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  for (const id of ['sim-001', 'sim-002', 'sim-003']) {
    const card = page.locator(`.device-card[data-device-id="${id}"]`)
    await expect(card.locator('[data-metric="temperature"]')).toHaveText(/^-?\d+\.\d °C$/)
    await expect(card.locator('.status')).toHaveAttribute('data-state', 'online')
  }
  expect(errors).toEqual([])
})
