/**
 * Any numeric metric is first-class (issue 14 item 5): a board that sends pressure, battery,
 * CO₂ and illuminance next to temperature/humidity gets a gauge or number tile per metric with
 * its unit, a live chart per metric, history per metric, and alert rules on any of them whose
 * text names the unit. Published with Debian's `mosquitto_pub`, through the real data path.
 */
import { expect, test } from '@playwright/test'
import { mosquittoPub } from './fixtures/mqtt-tools'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp
const TOPIC = 'lab/air-quality'
const reading = (co2: number): string =>
  JSON.stringify({
    temperature: 21.5,
    humidity: 40,
    pressure: 1013.2,
    battery: 87,
    co2,
    illuminance: 320,
  })

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
})
test.afterAll(async () => {
  await app.stop()
})

test('a board with pressure, battery, CO₂ and light shows each with its unit, charts, history and alerts', async ({
  page,
}) => {
  test.setTimeout(90_000)
  const errors = watchErrors(page)
  await mosquittoPub(app.brokerUrl!, TOPIC, reading(650))
  await page.goto(app.url)
  const card = page.locator('.device-card', { hasText: 'air-quality' })
  await expect(card).toContainText('21.5')

  await test.step('the detail has a gauge or tile per metric, with units', async () => {
    await card.click()
    for (const name of ['Temperature', 'Humidity', 'Pressure', 'Battery', 'CO₂']) {
      await expect(page.getByRole('region', { name: `${name} gauge` })).toBeVisible()
    }
    await expect(page.getByRole('region', { name: 'Pressure gauge' })).toContainText('hPa')
    await expect(page.getByRole('region', { name: 'CO₂ gauge' })).toContainText('ppm')
    // No made-up scale for illuminance: a number tile with its unit.
    await expect(page.getByRole('img', { name: 'Illuminance: 320 lx' })).toBeVisible()
    for (const chart of ['pressure', 'battery', 'CO₂', 'illuminance']) {
      await expect(page.getByRole('img', { name: `Live ${chart} chart` })).toBeVisible()
    }
  })

  await test.step('history offers every metric the board sends', async () => {
    const picker = page.getByRole('region', { name: 'History' }).getByLabel('Metric')
    await picker.selectOption('co2')
    const chart = page.getByRole('img', { name: 'CO₂ history' })
    await expect(chart).toBeVisible()
    await expect(page.getByText('No readings stored in this time range.')).toHaveCount(0)
  })

  await test.step('an alert on CO₂ fires and says ppm', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Alerts' })
      .click()
    await page.getByRole('button', { name: 'New rule' }).click()
    const form = page.getByRole('form', { name: 'New rule' })
    await form.getByLabel('Name').fill('Stuffy lab')
    await form.getByLabel('Condition').selectOption('threshold')
    await form.getByLabel('Measurement').selectOption('co2')
    await expect(form.getByRole('option', { name: 'CO₂' })).toHaveCount(1)
    await form.getByLabel('Direction').selectOption('above')
    await form.locator('#rule-value').fill('1000')
    await expect(form).toContainText('ppm')
    await form.getByLabel('Hysteresis').fill('50')
    await form.getByLabel('For at least').fill('0')
    await form.getByRole('button', { name: 'Create rule' }).click()
    await expect(page.getByText(/CO₂ above 1,?000 ppm \(clears 50 ppm past it\)/)).toBeVisible()

    await mosquittoPub(app.brokerUrl!, TOPIC, reading(1250))
    await page.getByRole('tab', { name: 'Log' }).click()
    const row = page
      .getByRole('region', { name: 'Alert log' })
      .getByRole('row')
      .filter({ hasText: 'Stuffy lab' })
    await expect(row).toContainText('Active')
    await expect(row).toContainText('1250 ppm')
  })
  expect(errors).toEqual([])
})
