import { expect, test } from '@playwright/test'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp

test.beforeAll(async () => {
  app = await serveApp()
})
test.afterAll(async () => {
  await app.stop()
})

const SECTIONS = [
  { link: 'Devices', heading: 'Devices' },
  { link: 'Installer', heading: 'Installer' },
  { link: 'Broker', heading: 'Broker' },
  { link: 'Topics', heading: 'Topics' },
  { link: 'Alerts', heading: 'Alerts' },
  { link: 'Settings', heading: 'Settings' },
]

test('the shell loads with the token and every section opens without errors', async ({ page }) => {
  const errors = watchErrors(page)
  await page.goto(app.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Devices' })).toBeVisible()
  // The token leaves the address bar once the cookie is set.
  expect(page.url()).not.toContain('token=')
  for (const section of SECTIONS) {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: section.link })
      .click()
    await expect(page.getByRole('heading', { level: 1, name: section.heading })).toBeVisible()
    await expect(
      page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section.link }),
    ).toHaveAttribute('aria-current', 'page')
  }
  expect(errors).toEqual([])
})

test('a page without the token is refused', async ({ page }) => {
  const response = await page.goto(app.url.replace(/\?token=.*/, ''))
  expect(response?.status()).toBe(401)
})

test('the theme follows the OS and the setting overrides it, persisting across reloads', async ({
  page,
}) => {
  const errors = watchErrors(page)
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto(app.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Devices' })).toBeVisible()
  const darkBg = await background()
  await page.emulateMedia({ colorScheme: 'light' })
  const lightBg = await background()
  expect(darkBg).not.toBe(lightBg)

  await page.goto(`${app.url}#/settings`)
  await page.getByLabel('Theme').selectOption('dark')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await background()).toBe(darkBg)
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await page.getByLabel('Theme').selectOption('system')
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/)
  expect(errors).toEqual([])
})

test('the sections are reachable with the keyboard alone', async ({ page }) => {
  await page.goto(app.url)
  await expect(page.getByRole('heading', { level: 1, name: 'Devices' })).toBeVisible()
  await page.keyboard.press('Tab')
  await page.keyboard.press('Tab')
  const nav = page.getByRole('navigation', { name: 'Sections' })
  await expect(nav.getByRole('link', { name: 'Installer' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Installer' })).toBeVisible()
})
