/**
 * The cluster loss count on the Broker screen's Data path card, against a real Mosquitto and
 * a real `--role ingest` instance: first nothing lost; then a second member of the shared
 * subscription that takes its share and never stores it (what an instance killed with
 * messages in flight leaves behind) makes the app count exactly those messages as lost.
 */
import { expect, test } from '@playwright/test'
import mqtt, { type MqttClient } from 'mqtt'
import { Mosquitto } from '../cluster/fixtures/mosquitto'
import { serveApp, type ServedApp } from './fixtures/server'
import { VirtualDevice } from './fixtures/virtual-device'
import { nav } from './fixtures/shot-steps'
import { watchErrors } from './fixtures/watch-errors'

const GROUP = 'e2eloss'
let broker: Mosquitto
let app: ServedApp
let device: VirtualDevice
let blackHole: MqttClient | undefined

test.beforeAll(async () => {
  broker = new Mosquitto()
  await broker.start()
  app = await serveApp([
    '--role',
    'ingest',
    '--mqtt-url',
    broker.url,
    '--share-group',
    GROUP,
    '--instance-id',
    'e2e-a',
    '--loss-window',
    '1',
  ])
  device = new VirtualDevice({ brokerUrl: broker.url, id: 'loss-barn', name: 'Barn' })
  await device.connect()
})
test.afterAll(async () => {
  await blackHole?.endAsync()
  await device?.close()
  await app?.stop()
  await broker?.destroy()
})

test('Data path counts what no ingest instance stored, per device', async ({ page }) => {
  test.setTimeout(90_000)
  const errors = watchErrors(page)
  await page.goto(app.url)
  await nav(page, 'Broker')
  const card = page.getByRole('region', { name: 'Data path' })

  await test.step('one instance stores everything: nothing lost, each reading verified', async () => {
    for (let i = 0; i < 6; i++) await device.send(20 + i, 40, Date.now())
    await expect(card.getByTestId('cluster-loss-none')).toContainText(
      'Nothing lost: each of 6 messages with readings seen on the broker was acknowledged',
      { timeout: 15_000 },
    )
  })

  await test.step('a member that stores nothing takes half: those are counted lost', async () => {
    blackHole = await mqtt.connectAsync(broker.url, { clientId: 'black-hole', clean: true })
    await blackHole.subscribeAsync(`$share/${GROUP}/#`, { qos: 1 })
    let swallowed = 0
    blackHole.on('message', (topic) => {
      if (topic.endsWith('/telemetry')) swallowed++
    })
    for (let i = 0; i < 10; i++) await device.send(30 + i, 50, Date.now())
    await expect.poll(() => swallowed, { timeout: 10_000 }).toBeGreaterThan(0)
    const lost = card.locator('[data-loss="lost"]')
    await expect(lost).toContainText(`${swallowed} messages with readings lost by the cluster`, {
      timeout: 15_000,
    })
    await expect(lost).toContainText(`loss-barn (${swallowed})`)
    await expect(card.getByTestId('cluster-loss-none')).toHaveCount(0)
    await card.screenshot({ path: 'test-results/cluster-loss.png' })
    await page.emulateMedia({ colorScheme: 'dark' })
    await card.screenshot({ path: 'test-results/cluster-loss-dark.png' })
  })

  expect(errors).toEqual([])
})
