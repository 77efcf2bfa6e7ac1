/** What the shell does at start: Settings → Desktop followed at once, and the tray or a warning. */
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { SettingsStore } from '../../../src/main/core/settings/settings-store'
import { followDesktopSettings } from '../../../src/main/shell/desktop-settings'
import type { MenuItemOptions } from '../../../src/main/shell/tray'
import { startTray } from '../../../src/main/shell/tray-start'
import type { UpdaterLike } from '../../../src/main/shell/updater'
import { tempDir } from '../../helpers/temp-dir'
import { Emitter, FakeApp } from './fake-electron'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function settingsStore(): Promise<SettingsStore> {
  const dir = await tempDir('shell-start-')
  cleanups.push(dir.cleanup)
  const settings = new SettingsStore(dir.path, silentLogger)
  await settings.load()
  return settings
}

describe('Settings → Desktop', () => {
  it('moves the login item with the setting and checks for an update once, when allowed', async () => {
    const settings = await settingsStore()
    const app = Object.assign(new FakeApp(), { isPackaged: true })
    const feeds: string[] = []
    const updater: UpdaterLike = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      setFeedURL: (options) => feeds.push(options.url),
      checkForUpdates: async () => null,
      on: () => undefined,
    }
    let loads = 0
    followDesktopSettings({
      app,
      platform: 'win32',
      settings,
      loadUpdater: async () => {
        loads++
        return updater
      },
      log: { info: () => undefined },
    })
    // Defaults: no login item written, no updater loaded (no network without consent).
    expect([app.loginItemWrites, loads]).toEqual([0, 0])

    await settings.update({ desktop: { startAtLogin: true } })
    expect(app.loginItem.openAtLogin).toBe(true)
    expect(loads).toBe(0)

    await settings.update({ desktop: { autoUpdate: true } })
    expect(loads).toBe(0) // on, but no feed yet
    await settings.update({ desktop: { updateUrl: 'https://updates.example/iotcc/' } })
    await settings.update({ desktop: { startAtLogin: false } })
    await expect.poll(() => feeds).toEqual(['https://updates.example/iotcc/'])
    expect(loads).toBe(1)
    expect(app.loginItem.openAtLogin).toBe(false)
    expect(app.loginItemWrites).toBe(2)
  })
})

class FakeTray extends Emitter {
  readonly tips: string[] = []
  setToolTip(text: string): void {
    this.tips.push(text)
  }
  setContextMenu(): void {}
  destroy(): void {}
}

function trayDeps(Tray: new (image: { isEmpty(): boolean }) => FakeTray) {
  const warnings: string[] = []
  const opened: number[] = []
  const templates: boolean[] = []
  return {
    warnings,
    opened,
    templates,
    deps: {
      Tray,
      nativeImage: {
        createFromPath: () => ({
          isEmpty: () => false,
          setTemplateImage: (on: boolean) => void templates.push(on),
        }),
      },
      buildMenu: (items: MenuItemOptions[]) => items,
      platform: 'darwin' as const,
      trayDir: '/nowhere',
      core: {
        call: async () => ({ ok: true as const, result: { devices: [] } }),
        events: { onAny: () => () => undefined },
      },
      open: () => void opened.push(1),
      quit: () => undefined,
      log: {
        warn: (message: string) => void warnings.push(message),
        error: (message: string) => void warnings.push(message),
      },
    },
  }
}

describe('the tray at start', () => {
  it('shows the icon (a template image on macOS) that opens the window', () => {
    const made: FakeTray[] = []
    const { deps, opened, templates, warnings } = trayDeps(
      class extends FakeTray {
        constructor() {
          super()
          made.push(this)
        }
      },
    )
    const tray = startTray(deps)
    expect(tray).toBeDefined()
    expect(templates).toEqual([true])
    expect(made[0]?.tips[0]).toBe('ESP32 IoT Control Center')
    made[0]?.emit('click')
    expect(opened).toHaveLength(1)
    expect(warnings).not.toContain('no tray icon: closing the window quits the app')
    tray?.close()
  })

  it('warns and goes on without one where the desktop has no tray', () => {
    const { deps, warnings } = trayDeps(
      class extends FakeTray {
        constructor() {
          super()
          throw new Error('no StatusNotifier host')
        }
      },
    )
    expect(startTray(deps)).toBeUndefined()
    expect(warnings).toContain('no tray icon: closing the window quits the app')
  })
})
