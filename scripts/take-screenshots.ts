/**
 * Screenshots of every screen in both themes for the README: `npm run screenshots`
 * (builds first). The app is populated first: a demo fleet with a day of history
 * (tests/e2e/fixtures/demo-fleet.ts) publishing live, and a simulated ESP32 board on a pty
 * (tests/simulators/board) for the installer and the serial console.
 */
import { chromium, type Page } from '@playwright/test'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDemoFleet } from '../tests/e2e/fixtures/demo-fleet.ts'
import { RpcClient } from '../tests/e2e/fixtures/rpc.ts'
import { serveApp } from '../tests/e2e/fixtures/server.ts'
import { watchErrors } from '../tests/e2e/fixtures/watch-errors.ts'
import { BoardSimulator } from '../tests/simulators/board/board-simulator.ts'
import { buildMicroPythonLikeFirmware } from '../tests/simulators/esp32-rom/firmware-image.ts'

const OUT = 'docs/screenshots'
const VIEWPORT = { width: 1280, height: 800 }
const BROKER = ['--broker-port', '0', '--anonymous-loopback']
const WIFI = { ssid: 'Home', password: 'correct horse battery' }

const app = await serveApp(BROKER, { expectBroker: true })
const empty = await serveApp(BROKER, { expectBroker: true })
const rpc = await RpcClient.connect(app.url)
const work = await mkdtemp(join(tmpdir(), 'iotcc-shots-'))
const boardPort = join(work, 'ttyUSB0')
const image = join(work, 'ESP32_GENERIC-v1.25.0.bin')
await writeFile(
  image,
  buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 16 * 1024, version: 'v1.25.0' }),
)
const board = await BoardSimulator.start({ hostPath: boardPort, wifi: WIFI, speed: 20 })
const fleet = await startDemoFleet(app.brokerUrl!, rpc)
await fleet.tick()
const ticker = setInterval(() => void fleet.tick().catch(() => {}), 2000)
// Two rules the demo fleet trips (the greenhouse runs warm and humid), so the Alerts screen
// shows a real log rather than its empty state.
await rpc.call('alerts.createRule', {
  name: 'Too warm',
  target: { type: 'all' },
  condition: {
    type: 'threshold',
    metric: 'temperature',
    direction: 'above',
    value: 26,
    hysteresis: 0.5,
  },
  forMinutes: 0,
})
await rpc.call('alerts.createRule', {
  name: 'Damp air',
  target: { type: 'all' },
  condition: {
    type: 'threshold',
    metric: 'humidity',
    direction: 'above',
    value: 65,
    hysteresis: 2,
  },
  forMinutes: 0,
})
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
  ],
})

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click()

async function shoot(
  page: Page,
  name: string,
  theme: string,
  height = VIEWPORT.height,
): Promise<void> {
  await page.setViewportSize({ width: VIEWPORT.width, height })
  // No focus ring from the last click or key in the pictures.
  await page.evaluate('document.activeElement && document.activeElement.blur()')
  // Charts and ages settle; nothing animates, so a short pause is enough.
  await page.waitForTimeout(600)
  await page.screenshot({ path: `${OUT}/${name}-${theme}.png` })
  await page.setViewportSize(VIEWPORT)
}

async function installerShots(page: Page, theme: string): Promise<void> {
  await board.pressReset('download')
  await nav(page, 'Installer')
  await page.getByRole('textbox', { name: 'Other port' }).fill(boardPort)
  await page.getByRole('button', { name: 'Use this port' }).click()
  await page.getByRole('button', { name: 'Detect chip' }).click()
  await page.getByTestId('chip-name').waitFor()
  await shoot(page, 'installer', theme)
  await page.getByRole('button', { name: 'Next: firmware' }).click()
  await page.getByRole('radio', { name: /A \.bin file on this computer/ }).check()
  await page.getByLabel('Firmware file').setInputFiles(image)
  await page.getByText(/✓ ESP32_GENERIC/).waitFor()
  await shoot(page, 'installer-firmware', theme)
  await page.getByRole('button', { name: 'Next: settings' }).click()
  await page.getByLabel('Name', { exact: true }).fill('Attic')
  await page.getByLabel('Network name').fill(WIFI.ssid)
  await page.getByLabel('Password', { exact: true }).fill(WIFI.password)
  await shoot(page, 'installer-settings', theme, 940)
  await page.getByRole('button', { name: /Install/ }).click()
  await page.getByRole('heading', { name: 'Online!' }).waitFor({ timeout: 120_000 })
  await shoot(page, 'installer-online', theme)

  await page.getByRole('tab', { name: 'Serial console' }).click()
  await page.getByRole('combobox', { name: 'Port' }).selectOption(boardPort)
  await page.getByRole('button', { name: 'Connect' }).click()
  // A keystroke sent while the board is still settling can be lost: press again until the prompt.
  const prompt = page.getByLabel('Board output').getByText('>>>').first()
  for (let attempt = 0; attempt < 10 && !(await prompt.isVisible()); attempt++) {
    await page.getByRole('button', { name: 'Ctrl-C' }).click()
    await prompt.waitFor({ timeout: 3000 }).catch(() => {})
  }
  for (const line of ['import os', 'os.listdir()', "print('hello from the board')"]) {
    await page.getByLabel('Send to the board').fill(line)
    await page.keyboard.press('Enter')
  }
  await page.getByLabel('Board output').getByText('hello from the board').last().waitFor()
  await shoot(page, 'serial-console', theme)
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await page.getByRole('tab', { name: 'Install' }).click()
  await page.getByRole('button', { name: 'Install another board' }).click()
  // Back to a bare board in download mode; the demo fleet stays as it was for the next theme.
  await board.pressReset('download')
  await page.waitForTimeout(1500)
  await rpc.call('devices.forget', { id: 'esp32-a1b2c3' })
}

try {
  await mkdir(OUT, { recursive: true })
  for (const theme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: theme })
    const page = await context.newPage()
    const errors = watchErrors(page)

    await page.goto(empty.url)
    await page.getByRole('button', { name: 'Create login' }).waitFor()
    await shoot(page, 'devices-empty', theme)

    await page.goto(app.url)
    await page
      .locator('.device-card [data-metric="temperature"]', { hasText: '°C' })
      .first()
      .waitFor()
    await shoot(page, 'devices', theme)
    await page.getByRole('radio', { name: /Table/ }).click()
    await page.getByLabel('Group by location').check()
    await shoot(page, 'devices-table', theme)
    await page.getByLabel('Group by location').uncheck()
    await page.getByRole('radio', { name: /Grid/ }).click()

    await page.locator('.device-card', { hasText: 'Greenhouse' }).click()
    await page.getByTestId('gauge-temp').waitFor()
    await shoot(page, 'device-detail', theme, 1640)
    await page.getByRole('radio', { name: '1 h' }).click()
    await page.locator('.overlay-picker summary').click()
    for (const name of ['Kitchen', 'Bedroom', 'Wine cellar'])
      await page.getByRole('checkbox', { name }).check()
    await page.locator('.overlay-picker summary').click()
    await page.waitForTimeout(800)
    await page
      .locator('section', { has: page.getByRole('heading', { name: 'History' }) })
      .screenshot({ path: `${OUT}/history-compare-${theme}.png` })
    await page.getByRole('radio', { name: '24 h' }).click()

    await nav(page, 'Broker')
    await page.getByTestId('broker-clients').waitFor()
    // The Data path card fills in from the first ingest.stats event (about a second).
    await page.getByTestId('ingest-rate').waitFor()
    await shoot(page, 'broker', theme, 1320)
    await page
      .getByRole('region', { name: 'Data path' })
      .screenshot({ path: `${OUT}/data-path-${theme}.png` })

    await nav(page, 'Topics')
    const tree = page.getByRole('tree', { name: 'Topics' })
    await tree.locator('[data-topic="iot"]').click()
    await tree.locator('[data-topic="iot/esp32-3c6e95"]').click()
    await tree.locator('[data-topic="iot/esp32-3c6e95/telemetry"]').click()
    await page.getByTestId('topic-payload').waitFor()
    await shoot(page, 'topics', theme)

    await installerShots(page, theme)
    for (const screen of ['Alerts', 'Settings']) {
      await nav(page, screen)
      await page.getByRole('heading', { level: 1, name: screen }).waitFor()
      await shoot(page, screen.toLowerCase(), theme)
    }
    if (errors.length > 0) console.error(`console errors (${theme}):\n  ${errors.join('\n  ')}`)
    await context.close()
  }
  console.log(`screenshots written to ${OUT}/`)
} finally {
  clearInterval(ticker)
  await browser.close()
  await fleet.close()
  rpc.close()
  await board.close()
  await app.stop()
  await empty.stop()
  await rm(work, { recursive: true, force: true })
}
