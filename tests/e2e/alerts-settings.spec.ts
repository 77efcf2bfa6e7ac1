import { expect, test } from '@playwright/test'
import { mosquittoPub } from './fixtures/mqtt-tools'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
})
test.afterAll(async () => {
  await app.stop()
})

test('a threshold rule made in the UI fires on a seed-format reading, is acknowledged and clears', async ({
  page,
}) => {
  const errors = watchErrors(page)
  // Record browser notifications instead of showing them (headless has no notification UI).
  await page.addInitScript(`
    window.shownNotifications = []
    window.Notification = function (title, options) {
      window.shownNotifications.push(title + ' | ' + ((options && options.body) || ''))
      this.close = function () {}
    }
    window.Notification.permission = 'granted'
    window.Notification.requestPermission = async () => 'granted'
  `)
  await page.goto(app.url)
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Alerts' })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible()
  await expect(page.getByText('Nothing in the log')).toBeVisible()

  await page.getByRole('button', { name: 'New rule' }).click()
  const form = page.getByRole('form', { name: 'New rule' })
  await form.getByLabel('Name').fill('Hallway too hot')
  await form.getByLabel('Condition').selectOption('threshold')
  await form.getByLabel('Measurement').selectOption('temperature')
  await form.getByLabel('Direction').selectOption('above')
  await form.locator('#rule-value').fill('25')
  await form.getByLabel('Hysteresis').fill('1')
  await form.getByLabel('For at least').fill('0')
  await form.getByRole('button', { name: 'Create rule' }).click()
  await expect(page.getByRole('tab', { name: 'Rules (1)' })).toBeVisible()

  // The seed tutorial's exact publisher payload, sent the way it would be.
  await mosquittoPub(app.brokerUrl!, 'home/sensors/temp_hum', 'temp:30,hum:40')
  await page.getByRole('tab', { name: 'Log' }).click()
  const log = page.getByRole('region', { name: 'Alert log' })
  const row = log.getByRole('row').filter({ hasText: 'Hallway too hot' })
  await expect(row).toContainText('Active')
  await expect(row).toContainText('30')
  await expect
    .poll(() =>
      page.evaluate(
        () => (window as unknown as { shownNotifications: string[] }).shownNotifications,
      ),
    )
    .toEqual([expect.stringContaining('Hallway too hot')])

  await row.getByRole('button', { name: 'Acknowledge' }).click()
  await expect(row).toContainText('Acknowledged')

  // 24.5 °C is below the limit but inside the 1 °C hysteresis band: still active.
  await mosquittoPub(app.brokerUrl!, 'home/sensors/temp_hum', 'temp:24.5,hum:40')
  await page.waitForTimeout(500)
  await expect(row).toContainText('Active')
  await mosquittoPub(app.brokerUrl!, 'home/sensors/temp_hum', 'temp:23,hum:40')
  await expect(row).toContainText('Cleared')
  expect(errors).toEqual([])
})

test('the settings screen shows every integration card without errors', async ({ page }) => {
  const errors = watchErrors(page)
  await page.goto(`${app.url}#/settings`)
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  for (const card of [
    'InfluxDB forwarding',
    'Home Assistant',
    'Telegraf + Grafana (TIG stack)',
    'Backup and restore',
  ]) {
    await expect(page.getByRole('heading', { level: 2, name: card })).toBeVisible()
  }
  expect(errors).toEqual([])
})

test('broker and data settings are saved, refused with the field named when wrong', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(`${app.url}#/settings`)
  const card = page.getByRole('form', { name: 'Broker and data' })
  await expect(card.getByLabel('Keep per-minute summaries for')).toHaveValue('365')
  await expect(card.getByLabel('Keep per-hour summaries for')).toHaveValue('3650')
  await card.getByLabel('Keep readings for').fill('30')
  await card.getByLabel('Keep per-minute summaries for').fill('200')
  await card.getByLabel('Keep per-hour summaries for').fill('2000')
  await card.getByLabel('Offline after').fill('120')
  await expect(card.getByLabel('Largest MQTT packet')).toHaveValue('256')
  await card.getByLabel('Largest MQTT packet').fill('512')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(card.getByText(/^Saved/)).toBeVisible()
  // The broker restarted with the new limit, and the Broker screen says so.
  await page.goto(`${app.url}#/broker`)
  await expect(page.getByTestId('broker-limits')).toContainText('packets up to 512 KiB')
  await expect(page.getByTestId('broker-limits')).toContainText('up to 100 levels')
  await page.goto(`${app.url}#/settings`)
  await expect(card.getByLabel('Keep readings for')).toHaveValue('30')
  await expect(card.getByLabel('Keep per-minute summaries for')).toHaveValue('200')
  await expect(card.getByLabel('Keep per-hour summaries for')).toHaveValue('2000')
  await expect(card.getByLabel('Offline after')).toHaveValue('120')
  await expect(card.getByLabel('Largest MQTT packet')).toHaveValue('512')

  await card.getByLabel('Keep readings for').fill('0')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(card.getByRole('alert')).toContainText('storage.retentionDays')
  await page.reload()
  await expect(card.getByLabel('Keep readings for')).toHaveValue('30')

  await card.getByLabel('Keep per-hour summaries for').fill('')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(card.getByRole('alert')).toContainText('storage.hourRetentionDays')
  expect(errors).toEqual([])
})
