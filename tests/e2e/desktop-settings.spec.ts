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

test('desktop settings: closing to the tray can be turned off; auto-update is off until turned on, and takes only an https feed', async ({
  page,
}) => {
  const errors = watchErrors(page)
  await page.goto(`${app.url}#/settings`)
  const card = page.getByRole('form', { name: 'Desktop app' })
  await expect(card).toBeVisible()
  await expect(card.getByText('web mode ignores them')).toBeVisible()
  // Closing the window keeps the app collecting in the tray unless turned off.
  const closeToTray = card.getByRole('checkbox', { name: /keep running in the tray/ })
  await expect(closeToTray).toBeChecked()
  await expect(card.getByText(/choose Quit in the tray icon’s menu/)).toBeVisible()
  // The server runs on this machine, so the card knows it is Linux here.
  if (process.platform === 'linux')
    await expect(card.getByText(/AppIndicator extension/)).toBeVisible()
  await closeToTray.click()
  await expect(card.getByText('Saved.')).toBeVisible()
  await expect(card.getByText(/Closing the window quits the app/)).toBeVisible()
  await expect(card.getByText(/AppIndicator extension/)).toHaveCount(0)
  await closeToTray.focus()
  await page.keyboard.press('Space')
  await expect(closeToTray).toBeChecked()
  await closeToTray.click()
  await expect(card.getByText(/Closing the window quits the app/)).toBeVisible()

  const autoUpdate = card.getByRole('checkbox', { name: /check for updates/ })
  await expect(autoUpdate).not.toBeChecked()

  await autoUpdate.click()
  await expect(autoUpdate).toBeChecked()
  await expect(card.getByText('Saved.')).toBeVisible()
  await card.getByLabel('Update feed').fill('http://updates.example.com/iotcc/')
  await card.getByRole('button', { name: 'Save feed' }).click()
  await expect(card.getByRole('alert')).toContainText('https')

  await card.getByLabel('Update feed').fill('https://updates.example.com/iotcc/')
  await card.getByRole('button', { name: 'Save feed' }).click()
  await expect(card.getByText('Saved.')).toBeVisible()
  await card.screenshot({ path: 'test-results/desktop-settings.png' })
  await closeToTray.click()
  await expect(closeToTray).toBeChecked()
  await card.screenshot({ path: 'test-results/desktop-settings-tray.png' })
  await closeToTray.click()
  await expect(closeToTray).not.toBeChecked()
  await page.emulateMedia({ colorScheme: 'dark' })
  await card.screenshot({ path: 'test-results/desktop-settings-dark.png' })

  await page.reload()
  await expect(card.getByRole('checkbox', { name: /check for updates/ })).toBeChecked()
  await expect(card.getByRole('checkbox', { name: /keep running in the tray/ })).not.toBeChecked()
  await expect(card.getByLabel('Update feed')).toHaveValue('https://updates.example.com/iotcc/')
  expect(errors).toEqual([])
})
