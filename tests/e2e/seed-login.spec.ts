/**
 * Issue 14 (items 1, 2): the seed tutorial's publisher with a login made by hand on the
 * Broker screen, against a default `npm run serve` (no anonymous access). Refused first,
 * which the Broker and Topics screens now say; one click allows the topic; the board then
 * shows up on the Devices screen. The publisher is the real `mosquitto_pub`, with the
 * tutorial's CLIENT_ID, topic and payload.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test, type Page } from '@playwright/test'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

const run = promisify(execFile)
const SEED_TOPIC = 'home/sensors/temp_hum'
const SEED_CLIENT_ID = 'ESP32_Sensor_01'

let app: ServedApp

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0'], { expectBroker: true })
})
test.afterAll(async () => {
  await app.stop()
})

/** The tutorial's `client.publish(TOPIC, "temp:21,hum:40")`, with the issued login. */
async function seedPublish(
  login: { clientId: string; username: string; password: string },
  payload = 'temp:21,hum:40',
): Promise<boolean> {
  const { hostname, port } = new URL(app.brokerUrl!)
  try {
    await run(
      'mosquitto_pub',
      [
        ...['-h', hostname, '-p', port, '-i', login.clientId],
        ...['-u', login.username, '-P', login.password],
        ...['-t', SEED_TOPIC, '-m', payload, '-q', '1'],
      ],
      { timeout: 10_000 },
    )
    return true
  } catch {
    return false // QoS 1 PUBLISH refused: no PUBACK, the broker closes the connection
  }
}

/** Creates a login on the Broker screen and reads its user name and password off the page. */
async function createLogin(page: Page): Promise<{ username: string; password: string }> {
  await page.getByRole('button', { name: 'Create login' }).click()
  const issued = page.locator('.issued')
  await expect(issued).toBeVisible()
  await issued.getByRole('button', { name: 'Show' }).click()
  return {
    username: (await issued.getByLabel('User name', { exact: true }).textContent()) ?? '',
    password: (await issued.getByLabel('Password', { exact: true }).textContent()) ?? '',
  }
}

test('the empty Devices screen: no "broker not running" while it asks, then the address; every ecosystem named', async ({
  page,
}) => {
  const errors = watchErrors(page)
  // Hold the app's answer to broker.status until the first screen has been looked at.
  const held: (() => void)[] = []
  let holding = true
  await page.routeWebSocket(/\/rpc/, (ws) => {
    const server = ws.connectToServer()
    const statusCalls = new Set<unknown>()
    ws.onMessage((message) => {
      const call = JSON.parse(String(message)) as { id?: unknown; method?: string }
      if (call.method === 'broker.status') statusCalls.add(call.id)
      server.send(message)
    })
    server.onMessage((message) => {
      const reply = JSON.parse(String(message)) as { id?: unknown }
      if (holding && statusCalls.has(reply.id)) held.push(() => ws.send(message))
      else ws.send(message)
    })
  })
  await page.goto(app.url)
  const empty = page.locator('.add-existing')
  await expect(empty).toContainText('Looking up this app’s broker')
  await expect(empty).not.toContainText('not running')
  for (const name of ['ESPHome', 'Shelly', 'Zigbee2MQTT', 'BLE gateways', 'Tasmota'])
    await expect(empty).toContainText(name)
  holding = false
  for (const release of held.splice(0)) release()
  await expect(empty.getByLabel('Port', { exact: true })).toHaveText(new URL(app.brokerUrl!).port)
  await expect(empty).not.toContainText('not running')
  expect(errors).toEqual([])
})

test('a hand-made login: the seed board is refused visibly, one click allows it, it appears', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  await page.getByRole('link', { name: 'Broker', exact: true }).click()
  const refusals = page.getByRole('region', { name: 'Refused topics' })
  await expect(refusals).toContainText('Nothing refused')

  await page.getByLabel('Device id').fill(SEED_CLIENT_ID)
  const login = await createLogin(page)
  const issued = page.locator('.issued')
  // What to change in the tutorial's code: its CLIENT_ID is this device id.
  await expect(issued.getByLabel('Tutorial code with this login')).toContainText(
    `CLIENT_ID = "${SEED_CLIENT_ID}"`,
  )
  await expect(issued).toContainText(`May use only iot/${SEED_CLIENT_ID}/…`)

  expect(await seedPublish({ clientId: SEED_CLIENT_ID, ...login })).toBe(false)
  await expect(refusals).toContainText('(1 publish, which closed that client’s connection)')
  const row = refusals.getByRole('row', { name: new RegExp(SEED_TOPIC) })
  await expect(row).toContainText(SEED_CLIENT_ID)
  await expect(row).toContainText('publish')
  await expect(row.getByRole('cell').nth(4)).toHaveText('1')
  expect(await seedPublish({ clientId: SEED_CLIENT_ID, ...login })).toBe(false)
  await expect(row.getByRole('cell').nth(4)).toHaveText('2')

  await page.getByRole('link', { name: 'Topics', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: 'refused by the broker' })).toHaveText(
    /2 messages refused by the broker/,
  )
  await page.getByRole('link', { name: 'Broker → Refused topics' }).click()
  // It lands on the Refused topics card itself (scrolled to and focused), not the page top.
  await expect(refusals).toBeInViewport()
  await expect(refusals).toBeFocused()
  // Only the screen scrolled: the page itself (sidebar included) stays where it was.
  await expect(page.getByRole('link', { name: 'Devices', exact: true })).toBeInViewport()
  expect(await page.evaluate(() => document.scrollingElement?.scrollTop)).toBe(0)

  await refusals.getByRole('button', { name: `Allow ${SEED_TOPIC} for ${SEED_CLIENT_ID}` }).click()
  const loginRow = page
    .locator('.credentials-table')
    .getByRole('row', { name: new RegExp(SEED_CLIENT_ID) })
  await expect(loginRow).toContainText(SEED_TOPIC)
  await expect(refusals).toContainText('Nothing refused')

  expect(await seedPublish({ clientId: SEED_CLIENT_ID, ...login })).toBe(true)
  await page.getByRole('link', { name: 'Devices', exact: true }).click()
  const seed = page.locator('.device-card[data-device-id="home.sensors.temp_hum"]')
  // Named after the login made for it, the device id typed on the Broker screen.
  await expect(seed.locator('.device-card__name')).toHaveText(SEED_CLIENT_ID)
  await expect(seed.locator('[data-metric="temperature"]')).toHaveText('21.0 °C')
  await expect(seed.locator('[data-metric="humidity"]')).toHaveText('40.0 %')
  expect(errors).toEqual([])
})

test('the form suggests the seed topic, refuses other devices’ topics, and edits extra topics', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  await page.getByRole('link', { name: 'Broker', exact: true }).click()
  await page.getByLabel('Device id').fill('seed-board-2')
  await page.getByLabel('Extra topics', { exact: true }).fill('iot/#')
  await page.getByRole('button', { name: 'Create login' }).click()
  await expect(page.getByRole('alert')).toContainText(/reaches other devices/)

  await page.getByLabel('Extra topics', { exact: true }).fill('')
  await page.getByRole('button', { name: /Add the seed tutorial’s topic/ }).click()
  await expect(page.getByLabel('Extra topics', { exact: true })).toHaveValue(SEED_TOPIC)
  const login = await createLogin(page)
  await expect(page.locator('.issued')).toContainText(`May also use: ${SEED_TOPIC}`)
  await expect(page.locator('.issued').getByLabel('Tutorial code with this login')).toContainText(
    'CLIENT_ID = "seed-board-2"',
  )
  // The login is bound to its client id: the tutorial's unchanged CLIENT_ID is refused.
  expect(await seedPublish({ clientId: SEED_CLIENT_ID, ...login })).toBe(false)
  expect(await seedPublish({ clientId: 'seed-board-2', ...login }, 'temp:22,hum:41')).toBe(true)

  const row = page.locator('.credentials-table').getByRole('row', { name: /seed-board-2/ })
  await row.getByRole('button', { name: 'Edit extra topics of seed-board-2' }).click()
  const editor = row.getByLabel('Extra topics of seed-board-2')
  await editor.fill('home/sensors/#, iot/other-board/cmd')
  await row.getByRole('button', { name: 'Save' }).click()
  await expect(row.getByRole('alert')).toContainText(/iot\/other-board\/cmd.*other devices/)
  await editor.fill('home/sensors/#')
  await row.getByRole('button', { name: 'Save' }).click()
  await expect(row).toContainText('home/sensors/#')
  await expect(row.getByRole('button', { name: 'Save' })).toHaveCount(0)
  expect(errors).toEqual([])
})
