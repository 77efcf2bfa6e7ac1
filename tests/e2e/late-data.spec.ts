/**
 * Late live data, through the real data path: devices whose messages arrive 12 s after they
 * were measured (fixtures/late-devices.ts) make the server report the lag in `ingest.stats`;
 * the Devices screen, the device detail and the Broker screen must say so, and no relative
 * time may claim fresher data than there is.
 */
import { expect, test } from '@playwright/test'
import { startLateDevices, type LateDevices } from './fixtures/late-devices'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

let app: ServedApp
let late: LateDevices

test.beforeAll(async () => {
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
  late = await startLateDevices(app.brokerUrl!, ['late-attic', 'late-cellar', 'late-garage'])
})
test.afterAll(async () => {
  await late.close()
  await app.stop()
})

test('late live data is announced on Devices, the device detail and Broker, and ages stay honest', async ({
  page,
}) => {
  test.setTimeout(90_000)
  const errors = watchErrors(page)
  const notice = page.getByTestId('late-notice')
  const card = page.locator('.device-card[data-device-id="late-attic"]')
  const age = card.locator('time')

  await test.step('on time: no notice, the card was updated just now', async () => {
    await page.goto(app.url)
    await expect(card).toContainText('Late late-attic')
    await expect(age).toHaveText(/^(now|\d+s ago)$/)
    await expect(notice).toHaveCount(0)
  })

  await test.step('12 s late: the Devices screen says so and the age is at least the lag', async () => {
    late.setDelay(12_000)
    await expect(notice).toContainText(/Live data is 1[1-3] s behind — the app is catching up\./, {
      timeout: 20_000,
    })
    await expect(notice.getByRole('link', { name: 'Data path' })).toBeVisible()
    // Messages arrive now, so "last heard" is now; the data in them is 12 s old.
    await expect(age).toHaveText(/^≥ at least 1\ds ago$/)
    await expect(age).toHaveAttribute('title', /Live data is 1\d s behind/)
  })

  await test.step('the device detail says so too', async () => {
    await card.click()
    await expect(page.getByRole('heading', { level: 1, name: 'Late late-attic' })).toBeVisible()
    await expect(notice).toContainText(/Live data is 1\d s behind/)
    const lastMessage = page.locator('.info-list div', { hasText: 'Last message' }).locator('time')
    await expect(lastMessage).toHaveText(/^≥ at least 1\ds ago$/)
  })

  await test.step('the Broker screen shows the lag in the Data path card', async () => {
    await page.getByRole('link', { name: 'Data path' }).click()
    const card = page.getByRole('region', { name: 'Data path' })
    await expect(card.getByTestId('data-path-status')).toHaveText(/^1\d s behind$/)
    await expect(card.getByTestId('ingest-lag')).toHaveText(/^1\d s$/)
  })

  await test.step('caught up: the notice goes and ages are plain again', async () => {
    late.setDelay(0)
    await page.getByRole('link', { name: 'Devices' }).click()
    await expect(notice).toHaveCount(0, { timeout: 20_000 })
    await expect(age).toHaveText(/^(now|\d+s ago)$/)
    await expect(
      page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Devices' }),
    ).toBeVisible()
  })

  expect(errors).toEqual([])
})
