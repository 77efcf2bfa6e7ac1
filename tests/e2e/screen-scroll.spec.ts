/**
 * Every screen scrolls inside one shared `<main>`: going to another screen (or from the
 * device list to a device) must start it at the top, not where the last screen was scrolled
 * to. A `#/broker/refused` link still lands on its card.
 */
import { expect, test } from '@playwright/test'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0'], { expectBroker: true })
})
test.afterAll(async () => {
  await app.stop()
})

test('a screen opened from a scrolled one starts at the top', async ({ page }) => {
  const errors = watchErrors(page)
  await page.setViewportSize({ width: 1280, height: 600 })
  await page.goto(`${app.url}#/settings`)
  await page.getByRole('region', { name: 'History store' }).waitFor()
  const main = page.locator('main#main')
  await main.evaluate((el) => el.scrollTo(0, 1500))
  await expect.poll(() => main.evaluate((el) => el.scrollTop)).toBeGreaterThan(1000)

  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Broker' })
    .click()
  await page.getByRole('heading', { level: 1, name: 'Broker' }).waitFor()
  await page.getByRole('heading', { name: 'Refused topics' }).waitFor()
  expect(await main.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeGreaterThan(0)
  expect(await main.evaluate((el) => el.scrollTop)).toBe(0)

  // The Topics screen's link to the refusals still scrolls to them.
  await main.evaluate((el) => el.scrollTo(0, 0))
  await page.goto(`${app.url}#/broker/refused`)
  await expect.poll(() => main.evaluate((el) => el.scrollTop)).toBeGreaterThan(0)
  expect(errors).toEqual([])
})
