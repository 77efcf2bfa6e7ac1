/**
 * The installer wizard end to end against a simulated ESP32 dev board on a pty
 * (tests/simulators/board: ROM bootloader, then real MicroPython, then our firmware
 * talking MQTT to the app's broker). The cable is pulled mid-flash first: the page must
 * say so in words, and "Retry" after replugging must go all the way to online.
 */
import { expect, test, type Page } from '@playwright/test'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BoardSimulator } from '../simulators/board/board-simulator'
import { buildMicroPythonLikeFirmware } from '../simulators/esp32-rom/firmware-image'
import { serveApp, type ServedApp } from './fixtures/server'
import { watchErrors } from './fixtures/watch-errors'

const WIFI = { ssid: 'e2e-lab', password: 'correct horse battery' }

let dir: string
let app: ServedApp
let board: BoardSimulator | undefined

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iotcc-e2e-installer-'))
  app = await serveApp(['--broker-port', '0', '--anonymous-loopback'], { expectBroker: true })
})
test.afterEach(async () => {
  await board?.close()
  board = undefined
})
test.afterAll(async () => {
  await app.stop()
  await rm(dir, { recursive: true, force: true })
})

async function choosePort(page: Page, path: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Other port' }).fill(path)
  await page.getByRole('button', { name: 'Use this port' }).click()
}

// Runs before the install test on purpose: in the same server, after an install on one port,
// a console opened on another port receives no output (reported to the installer's owner).
test('the serial console shows the board and runs what is typed', async ({ page }) => {
  test.setTimeout(90_000)
  const errors = watchErrors(page)
  const port = join(dir, 'ttyUSB1')
  board = await BoardSimulator.start({ hostPath: port, wifi: WIFI, speed: 20, firmware: 'none' })
  board.flash.data.set(
    buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 16 * 1024, version: 'v1.25.0' }),
    0x1000,
  )
  await board.pressReset('app')
  await board.until('micropython')

  await page.goto(app.url)
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Installer' })
    .click()
  await page.getByRole('tab', { name: 'Serial console' }).click()
  await choosePort(page, port)
  await page.getByRole('button', { name: 'Connect' }).click()
  // A keystroke sent while the board is still settling after the port opened can be lost,
  // as on real hardware: press Ctrl-C again until the prompt shows.
  await expect(async () => {
    await page.getByRole('button', { name: 'Ctrl-C' }).click()
    await expect(page.getByLabel('Board output')).toContainText('>>>', { timeout: 3000 })
  }).toPass({ timeout: 30_000 })
  await page.getByLabel('Send to the board').fill('print(6 * 7)')
  await page.getByRole('button', { name: 'Send' }).click()
  await expect(page.getByLabel('Board output')).toContainText('42')
  await page.getByRole('button', { name: 'Disconnect' }).click()
  await expect(page.getByRole('button', { name: 'Connect' })).toBeEnabled()
  expect(errors).toEqual([])
})

test('install: detect, local image, settings; a pulled cable fails clearly and a retry reaches online', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const errors = watchErrors(page)
  const port = join(dir, 'ttyUSB0')
  board = await BoardSimulator.start({
    hostPath: port,
    wifi: WIFI,
    speed: 20,
    romFaults: { vanishAtBlock: 0 },
  })
  const image = join(dir, 'micropython-esp32.bin')
  await writeFile(
    image,
    buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 16 * 1024, version: 'v1.25.0' }),
  )

  await page.goto(app.url)
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Installer' })
    .click()

  await test.step('board: the port typed in, the chip detected', async () => {
    await choosePort(page, port)
    await expect(
      page.getByRole('radio', { name: new RegExp(port.replace(/[/.]/g, '\\$&')) }),
    ).toBeChecked()
    await page.getByRole('button', { name: 'Detect chip' }).click()
    await expect(page.getByTestId('chip-name')).toHaveText('ESP32', { timeout: 30_000 })
    await expect(page.getByLabel('Detected chip')).toContainText('24:0a:c4:a1:b2:c3')
    await page.getByRole('button', { name: 'Next: firmware' }).click()
  })

  await test.step('firmware: a local .bin, checked against the chip', async () => {
    await page.getByRole('radio', { name: /A \.bin file on this computer/ }).check()
    await page.getByLabel('Firmware file').setInputFiles(image)
    await expect(page.getByText(/✓ micropython-esp32\.bin: image for ESP32/)).toBeVisible()
    await page.getByRole('button', { name: 'Next: settings' }).click()
  })

  await test.step('settings: problems are named before anything runs', async () => {
    await page.getByRole('button', { name: /Install/ }).click()
    await expect(page.getByText('Give the device a name, e.g. “Living room”.')).toBeVisible()
    await page.getByLabel('Name', { exact: true }).fill('Greenhouse')
    await page.getByLabel('Network name').fill(WIFI.ssid)
    await page.getByLabel('Password', { exact: true }).fill('short')
    await page.getByRole('button', { name: /Install/ }).click()
    await expect(page.getByText(/WPA passwords have 8 to 64 characters/)).toBeVisible()
    await page.getByLabel('Password', { exact: true }).fill(WIFI.password)
    await page.getByRole('button', { name: /Install/ }).click()
  })

  await test.step('the cable pulled mid-flash: the install stops with words and a retry', async () => {
    await expect(page.getByRole('heading', { name: 'The install stopped' })).toBeVisible({
      timeout: 60_000,
    })
    await expect(page.locator('.install-error')).toContainText(
      /disappeared|disconnected|unplugged/i,
    )
    await expect(page.locator('.install-error__hint')).toContainText(/plug the board back in/i)
    await expect(page.locator('[data-stage="write"]')).toHaveAttribute('data-state', 'failed')
    await expect(page.locator('[data-stage="detect"]')).toHaveAttribute('data-state', 'done')
  })

  await test.step('replugged, "Retry" goes erase → write → verify → upload → provision → online', async () => {
    await board!.replug()
    await page.getByRole('button', { name: 'Retry' }).click()
    await expect(page.getByRole('heading', { name: 'Online!' })).toBeVisible({ timeout: 120_000 })
    for (const stage of ['erase', 'write', 'verify', 'upload', 'configure', 'wait-online']) {
      await expect(page.locator(`[data-stage="${stage}"]`)).toHaveAttribute('data-state', 'done')
    }
    await expect(page.getByRole('progressbar', { name: 'Overall progress' })).toHaveAttribute(
      'value',
      '100',
    )
    await page.getByRole('link', { name: 'Open the device' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Greenhouse' })).toBeVisible()
    await expect(page.locator('.detail-sub .status')).toHaveAttribute('data-state', 'online')
  })
  expect(errors).toEqual([])
})

/** INSTALLER_SHOTS=dir saves what a person sees at each step (for a look, not asserted). */
async function shot(page: Page, name: string): Promise<void> {
  const to = process.env.INSTALLER_SHOTS
  if (to) await page.screenshot({ path: join(to, `${name}.png`), fullPage: true })
}

test('a wrong Wi-Fi password is said once and early; fixing it re-installs in one click without flashing', async ({
  page,
}) => {
  test.setTimeout(180_000)
  const errors = watchErrors(page)
  const port = join(dir, 'ttyUSB2')
  board = await BoardSimulator.start({ hostPath: port, wifi: WIFI, speed: 20 })
  const image = join(dir, 'micropython-esp32.bin')
  await writeFile(
    image,
    buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 16 * 1024, version: 'v1.25.0' }),
  )
  const installer = page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Installer' })
  const portRadio = page.getByRole('radio', { name: new RegExp(port.replace(/[/.]/g, '\\$&')) })

  await page.goto(app.url)
  await installer.click()
  await expect(page.getByText('Choose the board’s port above first.')).toBeVisible()
  await choosePort(page, port)
  await shot(page, '1-board')
  await page.getByRole('button', { name: 'Next: firmware' }).click()

  await test.step('an image checked without the chip is not a green ✓', async () => {
    await page.getByRole('radio', { name: /A \.bin file on this computer/ }).check()
    await page.getByLabel('Firmware file').setInputFiles(image)
    const note = page.getByRole('status').filter({ hasText: 'micropython-esp32.bin' })
    await expect(note).toContainText('checks the image against it before anything is erased')
    await expect(note).not.toContainText('✓')
    await shot(page, '2-firmware-undetected')
    await page.getByRole('button', { name: 'Next: settings' }).click()
  })

  const started = Date.now()
  await page.getByLabel('Name', { exact: true }).fill('Attic')
  await page.getByLabel('Network name').fill(WIFI.ssid)
  await page.getByLabel('Password', { exact: true }).fill('not-the-password')
  await page.getByRole('button', { name: /Install/ }).click()

  await test.step('the failure comes as soon as the board says why, once', async () => {
    await expect(page.getByRole('heading', { name: 'The install stopped' })).toBeVisible({
      timeout: 60_000,
    })
    expect(Date.now() - started).toBeLessThan(45_000) // not the 90 s online timeout
    await expect(page.locator('.install-error')).toContainText('Wi-Fi password is wrong')
    await expect(page.getByText(/Wi-Fi password is wrong/)).toHaveCount(1)
    await page.getByText('What the board printed').click()
    const log = page.locator('.install-log pre')
    await expect(log).toContainText(/wifi attempt \d+ failed \(status 202\)/)
    await expect(log).not.toContainText('\\x0')
    await expect(log).not.toContainText('raw REPL')
    expect(await log.textContent()).not.toMatch(/^(OK|>|>>>)\s*$/m)
    await shot(page, '3-wrong-password')
  })

  await test.step('"Change settings": no flashing, the id known, one click to online', async () => {
    await page.getByRole('button', { name: 'Change settings' }).click()
    await expect(page.getByRole('note')).toContainText('MicroPython is already on this board')
    await expect(page.getByText('Optional. Default: esp32-a1b2c3')).toBeVisible()
    await page.getByLabel('Password', { exact: true }).fill(WIFI.password)
    await shot(page, '4-change-settings')
    await page.getByRole('button', { name: /Install/ }).click()
    await expect(page.getByRole('heading', { name: 'Online!' })).toBeVisible({ timeout: 60_000 })
    for (const stage of ['detect', 'erase', 'write', 'verify']) {
      await expect(page.locator(`[data-stage="${stage}"]`)).toHaveAttribute('data-state', 'skipped')
    }
    await expect(page.locator('.install-done')).toContainText('esp32-a1b2c3 is online')
    await shot(page, '5-online')
  })

  await test.step('the next board: port and Wi-Fi password kept for this session', async () => {
    await page.getByRole('button', { name: 'Install another board' }).click()
    await expect(portRadio).toBeChecked()
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Devices' })
      .click()
    await installer.click()
    await expect(portRadio).toBeChecked()
    await expect(page.getByRole('button', { name: 'Detect chip' })).toBeEnabled()
    await page.getByRole('button', { name: 'Next: firmware' }).click()
    await page.getByRole('button', { name: 'Next: settings' }).click()
    await expect(page.getByLabel('Password', { exact: true })).toHaveValue(WIFI.password)
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('')
    await expect(page.getByRole('note')).toHaveCount(0) // a new board: flashed as usual
  })
  expect(errors).toEqual([])
})
