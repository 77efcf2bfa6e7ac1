/**
 * Screenshots of every screen in both themes for the README: `npm run screenshots`
 * (builds first). The app is populated first: a demo fleet with a day of history
 * (tests/e2e/fixtures/demo-fleet.ts) publishing live, one device of each other ecosystem
 * with its broker login and a few refused topics (tests/e2e/fixtures/demo-ecosystems.ts),
 * and a simulated ESP32 board on a pty (tests/simulators/board) for the installer.
 * SHOTS below is the one list of pictures, in the order they are taken.
 */
import { chromium, type Page } from '@playwright/test'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startDemoFleet } from '../tests/e2e/fixtures/demo-fleet.ts'
import { mosquittoClearRetained } from '../tests/e2e/fixtures/mqtt-tools.ts'
import { RpcClient } from '../tests/e2e/fixtures/rpc.ts'
import { nav, openTopic } from '../tests/e2e/fixtures/shot-steps.ts'
import { serveApp } from '../tests/e2e/fixtures/server.ts'
import { watchErrors } from '../tests/e2e/fixtures/watch-errors.ts'
import { BoardSimulator } from '../tests/simulators/board/board-simulator.ts'
import { compress } from '../tests/e2e/fixtures/compress-pngs.ts'
import { ConsoleShot } from '../tests/e2e/fixtures/console-shot.ts'
import { buildMicroPythonLikeFirmware } from '../tests/simulators/esp32-rom/firmware-image.ts'
import { startDemoEcosystems, UNKNOWN_TOPIC } from '../tests/e2e/fixtures/demo-ecosystems.ts'
import { DEMO_RULES } from '../tests/e2e/fixtures/demo-rules.ts'

const OUT = 'docs/screenshots'
const VIEWPORT = { width: 1280, height: 800 }
const BROKER = ['--broker-port', '0', '--anonymous-loopback']
const WIFI = { ssid: 'Home', password: 'correct horse battery' }

/** One picture: the steps that lead to it, then the page (or one region of it). */
interface Shot {
  name: string
  steps: (page: Page) => Promise<void>
  /** Viewport height for a long screen. */
  height?: number
  /** Only this region, e.g. one card. */
  region?: (page: Page) => ReturnType<Page['locator']>
}

const app = await serveApp(BROKER, { expectBroker: true })
// Never populated, for the first-run screen; and never installs (see the serial console).
const empty = await serveApp(BROKER, { expectBroker: true })
const rpc = await RpcClient.connect(app.url)
const work = await mkdtemp(join(tmpdir(), 'iotcc-shots-'))
const boardPort = join(work, 'ttyUSB0')
const consolePort = join(work, 'ttyUSB1')
const micropython = buildMicroPythonLikeFirmware({
  chip: 'ESP32',
  appSize: 16 * 1024,
  version: 'v1.25.0',
})
const image = join(work, 'ESP32_GENERIC-v1.25.0.bin')
await writeFile(image, micropython)
const board = await BoardSimulator.start({ hostPath: boardPort, wifi: WIFI, speed: 20 })
const fleet = await startDemoFleet(app.brokerUrl!, rpc)
const ecosystems = await startDemoEcosystems(app.brokerUrl!, rpc)
await fleet.tick()
let ticks = 0
const ticker = setInterval(() => {
  void fleet.tick().catch(() => {})
  // The other ecosystems' sensors report less often, as battery sensors do.
  if (++ticks % 20 === 0) void ecosystems.republish().catch(() => {})
}, 1000)
for (const rule of DEMO_RULES) await rpc.call('alerts.createRule', rule)

/**
 * The serial console runs against the unpopulated server: in a server that has installed a
 * board, a console gets no output (see tests/e2e/installer.spec.ts).
 */
const INSTALLED = 'esp32-a1b2c3' // the simulated board's id (from its MAC)
const consoleShot = new ConsoleShot({ port: consolePort, micropython, wifi: WIFI })

async function openSerialConsole(page: Page): Promise<void> {
  await board.pressReset('download') // ends the installed board's MicroPython, keeps its files
  // The fleet as it was, for the next theme: no login, no retained topics (they would bring
  // the device back), and forgotten once its Last Will is in.
  await rpc.call('broker.credentials.revoke', { deviceId: INSTALLED })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  for (const topic of ['status', 'info'])
    await mosquittoClearRetained(app.brokerUrl!, `iot/${INSTALLED}/${topic}`)
  await rpc.call('devices.forget', { id: INSTALLED })
  await page.goto(empty.url)
  await nav(page, 'Installer')
  await consoleShot.open(page, board.boardFiles())
}

const SHOTS: Shot[] = [
  {
    name: 'devices-empty',
    steps: async (page) => {
      await page.goto(empty.url)
      await page.getByRole('button', { name: 'Create login' }).waitFor()
    },
  },
  {
    name: 'devices',
    height: 1500,
    steps: async (page) => {
      await page.goto(app.url)
      const card = page.locator('.device-card [data-metric="temperature"]', { hasText: '°C' })
      await card.first().waitFor()
    },
  },
  {
    name: 'devices-table',
    height: 1060,
    steps: async (page) => {
      await page.getByRole('radio', { name: /Table/ }).click()
      await page.getByLabel('Group by location').check()
    },
  },
  {
    name: 'update-dialog',
    steps: async (page) => {
      await page.getByRole('button', { name: /^Update firmware \(\d+\)…$/ }).click()
      await page.getByRole('dialog', { name: 'Update firmware over the air' }).waitFor()
    },
  },
  {
    name: 'device-detail',
    height: 2180,
    steps: async (page) => {
      await page.keyboard.press('Escape')
      await page.getByLabel('Group by location').uncheck()
      await page.getByRole('radio', { name: /Grid/ }).click()
      await page.locator('.device-card', { hasText: 'Greenhouse' }).click()
      await page.getByTestId('gauge-temp').waitFor()
    },
  },
  {
    name: 'history-compare',
    region: (page) =>
      page.locator('section', { has: page.getByRole('heading', { name: 'History' }) }),
    steps: async (page) => {
      await page.getByRole('radio', { name: '1 h' }).click()
      await page.locator('.overlay-picker summary').click()
      for (const name of ['Kitchen', 'Bedroom', 'Wine cellar'])
        await page.getByRole('checkbox', { name }).check()
      await page.locator('.overlay-picker summary').click()
      await page.waitForTimeout(800)
    },
  },
  {
    name: 'broker',
    height: 1900,
    steps: async (page) => {
      await page.getByRole('radio', { name: '24 h' }).click()
      await nav(page, 'Broker')
      await page.getByTestId('broker-clients').waitFor()
      // The Data path card fills in from the first ingest.stats event (about a second).
      await page.getByTestId('ingest-rate').waitFor()
    },
  },
  {
    name: 'broker-refusals',
    region: (page) => page.getByRole('region', { name: 'Refused topics' }),
    steps: async () => {},
  },
  {
    name: 'data-path',
    region: (page) => page.getByRole('region', { name: 'Data path' }),
    steps: async () => {},
  },
  {
    name: 'topics',
    steps: async (page) => {
      await nav(page, 'Topics')
      await openTopic(page, 'iot/esp32-3c6e95/telemetry')
    },
  },
  {
    name: 'map-topic',
    height: 900,
    steps: async (page) => {
      await openTopic(page, UNKNOWN_TOPIC)
      await page.getByText('Map to device…').click()
      const form = page.getByRole('form', { name: 'Map topic to device' })
      await form.getByLabel(/Device id/).fill('lab-probe7')
      await form.getByRole('combobox', { name: 'Metric' }).fill('temperature')
    },
  },
  {
    name: 'installer',
    steps: async (page) => {
      await nav(page, 'Installer')
      await page.getByRole('textbox', { name: 'Other port' }).fill(boardPort)
      await page.getByRole('button', { name: 'Use this port' }).click()
      await page.getByRole('button', { name: 'Detect chip' }).click()
      await page.getByTestId('chip-name').waitFor()
    },
  },
  {
    name: 'installer-firmware',
    steps: async (page) => {
      await page.getByRole('button', { name: 'Next: firmware' }).click()
      await page.getByRole('radio', { name: /A \.bin file on this computer/ }).check()
      await page.getByLabel('Firmware file').setInputFiles(image)
      await page.getByText(/✓ ESP32_GENERIC/).waitFor()
    },
  },
  {
    name: 'installer-settings',
    height: 940,
    steps: async (page) => {
      await page.getByRole('button', { name: 'Next: settings' }).click()
      await page.getByLabel('Name', { exact: true }).fill('Attic')
      await page.getByLabel('Network name').fill(WIFI.ssid)
      await page.getByLabel('Password', { exact: true }).fill(WIFI.password)
    },
  },
  {
    name: 'installer-online',
    steps: async (page) => {
      await page.getByRole('button', { name: /Install/ }).click()
      await page.getByRole('heading', { name: 'Online!' }).waitFor({ timeout: 120_000 })
    },
  },
  { name: 'serial-console', steps: openSerialConsole },
  {
    name: 'alerts',
    steps: async (page) => {
      await consoleShot.close(page)
      await page.goto(app.url)
      await nav(page, 'Alerts')
      await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor()
    },
  },
  {
    name: 'settings',
    steps: async (page) => {
      await nav(page, 'Settings')
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor()
    },
  },
  // The Settings screen is too long for one picture: its newer cards on their own.
  {
    name: 'settings-history-store',
    region: (page) => page.getByRole('region', { name: 'History store' }),
    steps: async () => {},
  },
  {
    name: 'settings-desktop',
    region: (page) => page.getByRole('form', { name: 'Desktop app' }),
    steps: async () => {},
  },
]

let theme: 'light' | 'dark' = 'light'

async function shoot(page: Page, shot: Shot): Promise<void> {
  await page.setViewportSize({ width: VIEWPORT.width, height: shot.height ?? VIEWPORT.height })
  // No focus ring from the last click or key in the pictures.
  await page.evaluate('document.activeElement && document.activeElement.blur()')
  // Charts and ages settle; nothing animates, so a short pause is enough.
  await page.waitForTimeout(600)
  const path = `${OUT}/${shot.name}-${theme}.png`
  if (shot.region) await shot.region(page).screenshot({ path })
  else await page.screenshot({ path })
  await page.setViewportSize(VIEWPORT)
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  await mkdir(OUT, { recursive: true })
  for (theme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: theme })
    const page = await context.newPage()
    const errors = watchErrors(page)
    for (const shot of SHOTS) {
      await shot.steps(page)
      await shoot(page, shot)
      console.log(`${shot.name}-${theme}`)
    }
    if (errors.length > 0) console.error(`console errors (${theme}):\n  ${errors.join('\n  ')}`)
    await context.close()
  }
  await compress(
    SHOTS.flatMap((shot) => ['light', 'dark'].map((t) => `${OUT}/${shot.name}-${t}.png`)),
  )
  console.log(`screenshots written to ${OUT}/`)
} finally {
  clearInterval(ticker)
  await browser.close()
  await fleet.close()
  rpc.close()
  await consoleShot.close()
  await board.close()
  await app.stop()
  await empty.stop()
  await rm(work, { recursive: true, force: true })
}
