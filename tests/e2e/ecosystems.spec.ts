/**
 * Issue 14 part B: sensors that already publish somewhere (our firmware, the seed board,
 * Tasmota, ESPHome, Shelly Gen1 and Gen2+, Zigbee2MQTT, a BLE gateway, a Home Assistant
 * discovery device) each become ONE device with its readings, with no configuration.
 * Against a default `npm run serve` (no anonymous access): every publisher logs in as the
 * real device would, with a login issued through broker.credentials.issue and the topics
 * its firmware uses as extra topics. Payloads are the documented ones in
 * tests/fixtures/ecosystems, published with the real `mosquitto_pub`. Then a format no
 * rule knows lands in the Topics screen and is mapped to a device by hand.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import type { Device } from '../../src/shared/contract/devices'
import { ecosystemFixtures, type EcosystemFixture } from '../fixtures/ecosystems/load-fixtures'
import { RpcClient } from './fixtures/rpc'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

const run = promisify(execFile)
const FIXTURES = ecosystemFixtures()
const FORMAT_LABELS: Record<string, string> = {
  ours: 'Our firmware',
  seed: 'Seed format',
  tasmota: 'Tasmota',
  esphome: 'ESPHome',
  shelly: 'Shelly',
  zigbee2mqtt: 'Zigbee2MQTT',
  ble: 'BLE gateway',
  homeassistant: 'Home Assistant',
}

let app: ServedApp
let rpc: RpcClient

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0'], { expectBroker: true })
  rpc = await RpcClient.connect(app.url)
})
test.afterAll(async () => {
  rpc?.close()
  await app?.stop()
})

interface Login {
  clientId: string
  username: string
  password: string
}

async function issueLogin(deviceId: string, allow: string[] = []): Promise<Login> {
  const issued = await rpc.call('broker.credentials.issue', { deviceId, allow })
  return { clientId: deviceId, username: issued.username, password: issued.password }
}

/** One message with Debian's mosquitto_pub, logged in as the device; false when refused. */
async function publish(
  login: Login,
  message: { topic: string; payload: string; retain?: boolean },
): Promise<void> {
  const { hostname, port } = new URL(app.brokerUrl!)
  const args = [...['-h', hostname, '-p', port, '-i', login.clientId]]
  args.push(...['-u', login.username, '-P', login.password])
  args.push(...['-t', message.topic, '-m', message.payload, '-q', '1'])
  if (message.retain) args.push('-r')
  await run('mosquitto_pub', args, { timeout: 10_000 })
}

async function publishFixture(fixture: EcosystemFixture): Promise<void> {
  expect(fixture.login, `${fixture.ecosystem} publishes with a login`).not.toBeNull()
  const login = await issueLogin(fixture.login!.deviceId, fixture.login!.allow)
  for (const message of fixture.messages) await publish(login, message)
}

test('every ecosystem’s documented payloads become one device each, with its readings', async ({
  page,
}) => {
  const errors = watchErrors(page)
  for (const fixture of FIXTURES) await publishFixture(fixture)

  const expectedIds = FIXTURES.map((f) => f.expect.deviceId)
  let devices: Device[] = []
  await expect
    .poll(async () => {
      devices = await rpc.call('devices.list', {})
      return expectedIds.filter((id) => !devices.some((d) => d.id === id && d.format !== 'json'))
    })
    .toEqual([])
  // One device per sensor: nothing else with readings (gateways may appear, without readings).
  const withReadings = devices.filter((d) => Object.keys(d.latest).length > 0).map((d) => d.id)
  expect(withReadings.sort()).toEqual([...expectedIds].sort())
  for (const fixture of FIXTURES) {
    const device = devices.find((d) => d.id === fixture.expect.deviceId)!
    expect(device.format, fixture.ecosystem).toBe(fixture.expect.format)
    expect(Object.keys(device.latest).sort(), fixture.ecosystem).toEqual(
      Object.keys(fixture.expect.readings).sort(),
    )
    for (const [metric, value] of Object.entries(fixture.expect.readings))
      expect(device.latest[metric]?.value, `${fixture.ecosystem} ${metric}`).toBeCloseTo(value, 6)
    if (fixture.expect.online !== undefined)
      expect(device.online, fixture.ecosystem).toBe(fixture.expect.online)
    if (fixture.expect.name !== undefined)
      expect(device.name, fixture.ecosystem).toBe(fixture.expect.name)
  }

  await page.goto(app.url)
  await page.getByRole('link', { name: 'Devices', exact: true }).click()
  for (const fixture of FIXTURES) {
    const card = page.locator(`.device-card[data-device-id="${fixture.expect.deviceId}"]`)
    await expect(card, fixture.ecosystem).toBeVisible()
    await expect(card.locator('.badge')).toHaveText(FORMAT_LABELS[fixture.expect.format]!)
    const temperature = fixture.expect.readings.temperature
    if (temperature !== undefined)
      await expect(card.locator('[data-metric="temperature"]')).toHaveText(
        `${temperature.toFixed(1)} °C`,
      )
  }
  // The BLE gateway itself (its LWT) is no thermometer: no empty temperature and humidity.
  const gateway = page.locator('.device-card[data-device-id="home.OpenMQTTGateway"]')
  await expect(gateway).toContainText('No readings yet')
  await expect(gateway.locator('[data-metric]')).toHaveCount(0)
  // The Zigbee sensor's other readings are first-class metrics on its page.
  await page.locator('.device-card[data-device-id="zigbee2mqtt.living_room.aqara"]').click()
  const detail = page.locator('.device-detail')
  for (const metric of ['pressure', 'battery', 'voltage', 'linkquality'])
    await expect(detail.locator(`[data-metric="${metric}"]`).first()).toBeVisible()
  expect(errors).toEqual([])
})

test('a format no rule knows lands in the Topics screen and is mapped to a device by hand', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const topic = 'lab/probe7/out'
  const login = await issueLogin('lab-probe7', [topic])
  await publish(login, { topic, payload: 'T:+023.4 degC' })
  await expect
    .poll(async () => (await rpc.call('ingest.unparsed', { limit: 50 })).map((r) => r.topic))
    .toContain(topic)

  await page.goto(app.url)
  await page.getByRole('link', { name: 'Topics', exact: true }).click()
  const tree = page.getByRole('tree', { name: 'Topics' })
  for (const level of ['lab', 'lab/probe7']) {
    const row = tree.locator(`[data-topic="${level}"]`)
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click()
  }
  await tree.locator(`[data-topic="${topic}"]`).click()
  await expect(page.getByTestId('topic-payload')).toHaveText('T:+023.4 degC')
  await page.getByText('Map to device…').click()
  const form = page.getByRole('form', { name: 'Map topic to device' })
  await form.getByLabel(/Device id/).fill('lab-probe7')
  await form.getByRole('combobox', { name: 'Metric' }).fill('temperature')
  await form.getByRole('button', { name: 'Map topic' }).click()
  await expect(form.getByRole('status')).toContainText('becomes temperature of lab-probe7')
  await expect(page.getByText('Mapped to lab-probe7 · temperature')).toBeVisible()
  await page.screenshot({ path: test.info().outputPath('map-topic.png') })

  await publish(login, { topic, payload: 'T:+023.6 degC' })
  await page.getByRole('link', { name: 'Devices', exact: true }).click()
  const card = page.locator('.device-card[data-device-id="lab-probe7"]')
  await expect(card.locator('[data-metric="temperature"]')).toHaveText('23.6 °C')
  await expect(card.locator('.badge')).toHaveText('Mapped by hand')
  expect(errors).toEqual([])
})

test('a Zigbee plug: its own readings in the table (not under “Temp.”), its device named on the Topics screen, its reporting pointed at Zigbee2MQTT', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const login = await issueLogin('zigbee2mqtt-plugs', ['zigbee2mqtt/#'])
  // Zigbee2MQTT's documented state of a metering plug (e.g. TS011F): power in W, energy in kWh.
  await publish(login, {
    topic: 'zigbee2mqtt/kitchen_plug',
    payload:
      '{"state":"ON","power":12.3,"energy":1.23,"voltage":230.1,"current":0.05,"linkquality":80}',
  })
  // …and a topic no rule reads, which belongs to no device.
  await publish(await issueLogin('odd-board', ['odd/words']), { topic: 'odd/words', payload: 'hi' })
  await page.goto(app.url)
  await page.getByRole('link', { name: 'Devices', exact: true }).click()
  await page.getByRole('radio', { name: /Table/ }).click()
  await expect(page.getByRole('columnheader', { name: 'Readings' })).toBeVisible()
  await expect(page.getByRole('columnheader', { name: /Temp/ })).toHaveCount(0)
  const row = page.locator('tr[data-device-id="zigbee2mqtt.kitchen_plug"]')
  await expect(row.getByRole('link', { name: 'kitchen_plug' })).toBeVisible()
  await expect(row.locator('.cell-reading').nth(0)).toHaveText('12.3 WPower')
  await expect(row.locator('.cell-reading').nth(1)).toHaveText('1.23 kWhEnergy')
  await expect(row.getByRole('img', { name: /Temperature, last hour/ })).toHaveCount(0)

  // The Topics screen says which device its topic is read into, with a link to it.
  await page.getByRole('link', { name: 'Topics', exact: true }).click()
  const tree = page.getByRole('tree', { name: 'Topics' })
  await tree.locator('[data-topic="odd"]').click()
  await tree.locator('[data-topic="odd/words"]').click()
  const odd = page.getByRole('region', { name: 'odd/words' })
  await expect(odd.getByRole('definition').first()).toHaveText('none')
  const base = tree.locator('[data-topic="zigbee2mqtt"]')
  if ((await base.getAttribute('aria-expanded')) === 'false') await base.click()
  await tree.locator('[data-topic="zigbee2mqtt/kitchen_plug"]').click()
  const details = page.getByRole('region', { name: 'zigbee2mqtt/kitchen_plug' })
  await expect(details.getByRole('link', { name: 'kitchen_plug (Zigbee2MQTT)' })).toBeVisible()

  // Its page says where a Zigbee device's reporting is changed; no Installer for a plug.
  await details.getByRole('link', { name: 'kitchen_plug (Zigbee2MQTT)' }).click()
  const settings = page.getByRole('region', { name: 'Settings' })
  await expect(settings).toContainText('Reporting tab in its frontend')
  // No rows that cannot apply to a Zigbee plug (it runs no MicroPython and has no Wi-Fi).
  const info = page.getByRole('region', { name: 'Device', exact: true })
  await expect(info).toContainText('Zigbee2MQTT')
  await expect(info).not.toContainText('MicroPython')
  await expect(info).not.toContainText('Wi-Fi signal')
  await expect(settings.getByRole('link', { name: 'Installer' })).toHaveCount(0)
  expect(errors).toEqual([])
})
