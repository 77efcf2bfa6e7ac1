/**
 * Closing the window (issue 15.4): the app keeps running in the tray by default, tells the
 * person once, and Quit still ends it. Electron's app and windows are the stand-ins of
 * fake-electron.ts, which follow its documented lifecycle.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  closeAction,
  installCloseToTray,
  NOTICES_FILE,
} from '../../../src/main/shell/close-to-tray'
import { installQuitSequence, quitOnSystemShutdown } from '../../../src/main/shell/quit-sequence'
import { tempDir } from '../../helpers/temp-dir'
import { openFakeMainWindow } from './fake-main-window'
import { Emitter, FakeApp, FakeBrowserWindow, fakeEvent } from './fake-electron'

let dir: { path: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  dir = await tempDir('shell-close-')
})
afterEach(async () => {
  await dir.cleanup()
})

/** Electron's Notification: records what was shown; a click opens the window. */
function notifications(supported = true) {
  const shown: FakeNotice[] = []
  class FakeNotice extends Emitter {
    static isSupported = () => supported
    constructor(readonly options: { title: string; body: string }) {
      super()
    }
    show(): void {
      shown.push(this)
    }
  }
  return { Notification: FakeNotice, shown }
}

interface Setup {
  platform?: NodeJS.Platform
  closeToTray?: () => boolean
  trayShown?: boolean
  supported?: boolean
}

/** An app with the close policy installed, as src/main/index.ts installs it. */
function desktop(setup: Setup = {}) {
  const app = new FakeApp()
  const { Notification, shown } = notifications(setup.supported)
  let opened = 0
  const open = (): FakeBrowserWindow => {
    opened++
    const win = openFakeMainWindow()
    app.track(win)
    return win
  }
  const installed = installCloseToTray(app, {
    platform: setup.platform ?? 'linux',
    dataDir: dir.path,
    closeToTray: setup.closeToTray ?? (() => true),
    trayShown: () => setup.trayShown ?? true,
    Notification,
    open: () => void open(),
    log: { info: () => undefined, warn: () => undefined },
  })
  return {
    app,
    shown,
    open,
    opened: () => opened,
    notice: installed.lastNotice,
    held: installed.heldNotice,
  }
}

describe('closing the window', () => {
  it('keeps the app running in the tray and says so once, with how to quit', async () => {
    const { app, shown, open, notice } = desktop({ platform: 'win32' })
    open().close()
    await notice()
    expect(app.quitCalls).toBe(0)
    expect(app.ended).toBe(false)
    expect(shown).toHaveLength(1)
    expect(shown[0]!.options.title).toBe('ESP32 IoT Control Center is still running')
    expect(shown[0]!.options.body).toMatch(/To quit, choose Quit in its notification area icon/)
    expect(JSON.parse(readFileSync(join(dir.path, NOTICES_FILE), 'utf8'))).toHaveProperty(
      'closeToTray',
    )

    // Reopened (the tray's Open) and closed again: still running, no second notice.
    open().close()
    await notice()
    expect(app.ended).toBe(false)
    expect(shown).toHaveLength(1)
  })

  it('a click on the notice opens the window again', async () => {
    const { shown, open, opened, notice, held } = desktop()
    open().close()
    await notice()
    // Kept referenced: Electron stops delivering clicks to a garbage-collected notification.
    expect(held()).toBe(shown[0])
    shown[0]!.emit('click')
    expect(opened()).toBe(2)
  })

  it('started at login: stays in the tray after its window is opened and closed', async () => {
    // A start at login opens no window; the tray's Open makes the first one.
    const { app, open, notice } = desktop({ platform: 'linux' })
    const win = open()
    win.close()
    await notice()
    expect(app.ended).toBe(false)
    const again = open()
    again.close()
    expect(app.ended).toBe(false)
  })

  it('remembers the notice across restarts, and tells again when it could not be shown', async () => {
    writeFileSync(join(dir.path, NOTICES_FILE), '{"closeToTray":"2026-01-01T00:00:00.000Z"}\n')
    const told = desktop()
    told.open().close()
    await told.notice()
    expect(told.shown).toHaveLength(0)

    writeFileSync(join(dir.path, NOTICES_FILE), 'not json')
    const unreadable = desktop()
    unreadable.open().close()
    await unreadable.notice()
    expect(unreadable.shown).toHaveLength(1)
  })

  it('without a notification server, keeps running and does not count the notice as given', async () => {
    const { app, open, notice, shown } = desktop({ supported: false })
    open().close()
    await notice()
    expect(app.ended).toBe(false)
    expect(shown).toHaveLength(0)
    expect(existsSync(join(dir.path, NOTICES_FILE))).toBe(false)
  })

  it('quits when the setting is off, read at the moment of closing', async () => {
    let keep = true
    const { app, open, notice, shown } = desktop({ closeToTray: () => keep })
    open().close()
    await notice()
    expect(app.ended).toBe(false)
    keep = false
    open().close()
    expect(app.quitCalls).toBe(1)
    expect(app.ended).toBe(true)
    expect(shown).toHaveLength(1)
  })

  it('quits on Windows and Linux when no tray icon could be made; macOS keeps its Dock icon', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const { app, open } = desktop({ platform, trayShown: false })
      open().close()
      expect(app.ended, platform).toBe(true)
    }
    const mac = desktop({ platform: 'darwin', trayShown: false })
    mac.open().close()
    expect(mac.app.ended).toBe(false)
    expect(mac.shown).toHaveLength(0)
  })

  it('Quit (tray or app menu) still ends the app, with its window open', () => {
    const { app, open, shown } = desktop()
    const win = open()
    app.quit()
    expect(win.isDestroyed()).toBe(true)
    expect(app.ended).toBe(true)
    // The quit closed the window: that is not a close to the tray.
    expect(shown).toHaveLength(0)
  })
})

describe('the system shutting down', () => {
  it('quits the app kept in the tray through the quit sequence, the shutdown held meanwhile', async () => {
    const { app, open, notice } = desktop({ platform: 'linux' })
    let closed = 0
    const { done } = installQuitSequence(app, {
      log: { info: () => undefined, error: () => undefined },
      close: async () => void closed++,
    })
    const powerMonitor = new Emitter()
    quitOnSystemShutdown(powerMonitor, app, { info: () => undefined, error: () => undefined })
    open().close()
    await notice()
    expect(app.quitCalls).toBe(0)

    const shutdown = fakeEvent({})
    powerMonitor.emit('shutdown', shutdown)
    // Electron delays the shutdown only for a listener that prevented it.
    expect(shutdown.prevented).toBe(true)
    expect(app.quitCalls).toBe(1)
    expect(await done).toBe(0)
    expect(closed).toBe(1)
  })
})

describe('the close policy', () => {
  it('keeps running only where the person can get back to the app', () => {
    const rows = (['linux', 'win32', 'darwin'] as const).flatMap((platform) =>
      [true, false].flatMap((closeToTray) =>
        [true, false].map((trayShown) => [
          platform,
          closeToTray,
          trayShown,
          closeAction({ platform, closeToTray, trayShown }),
        ]),
      ),
    )
    expect(rows).toEqual([
      ['linux', true, true, 'tray'],
      ['linux', true, false, 'quit'],
      ['linux', false, true, 'quit'],
      ['linux', false, false, 'quit'],
      ['win32', true, true, 'tray'],
      ['win32', true, false, 'quit'],
      ['win32', false, true, 'quit'],
      ['win32', false, false, 'quit'],
      ['darwin', true, true, 'tray'],
      ['darwin', true, false, 'dock'],
      ['darwin', false, true, 'quit'],
      ['darwin', false, false, 'quit'],
    ])
  })
})
