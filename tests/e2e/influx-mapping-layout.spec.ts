/**
 * Settings → InfluxDB forwarding → "What InfluxDB receives": the table borrows the device
 * table's look, but none of its row labels may be cut off ("measurem…") and it must fit
 * inside its card at the screenshots' width.
 */
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

test('the InfluxDB mapping table shows every label whole, inside its card', async ({ page }) => {
  const errors = watchErrors(page)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`${app.url}#/settings`)
  const table = page.locator('.mapping-table')
  await expect(table.getByRole('rowheader', { name: 'measurement' })).toBeVisible()
  const labels = await table
    .getByRole('rowheader')
    .evaluateAll((cells) =>
      cells.map((c) => ({ text: c.textContent, cut: c.scrollWidth > c.clientWidth })),
    )
  expect(labels.length).toBeGreaterThan(3)
  expect(labels.filter((l) => l.cut)).toEqual([])
  const overflow = await table.evaluate((el) => {
    const card = el.closest('.card')!.getBoundingClientRect()
    return el.getBoundingClientRect().right - card.right
  })
  expect(overflow).toBeLessThanOrEqual(0)
  expect(errors).toEqual([])
})
