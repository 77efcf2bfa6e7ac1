import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { Settings } from '../../../src/shared/contract/settings'
import { notifyAlerts } from '../../../src/main/shell/alert-notifications'
import { applyStartAtLogin, startedHidden } from '../../../src/main/shell/login-item'
import { trayIconPng } from '../../../src/main/shell/tray-icon'
import { statusLine } from '../../../src/main/shell/tray-model'
import { checkForUpdate, updatePlan, type UpdaterLike } from '../../../src/main/shell/updater'
import { shellPaths } from '../../../src/main/shell/data-paths'
import { keychainIsReal } from '../../../src/main/shell/secret-box-electron'
import { Emitter, FakeApp, FakeSafeStorage } from './fake-electron'

const quiet = { warn: () => undefined, info: () => undefined }

describe('the tray', () => {
  it('says how many devices are online and how many alerts are active', () => {
    expect(statusLine({ devicesOnline: 0, devicesKnown: 0, activeAlerts: 0 })).toBe(
      'No devices yet · no active alerts',
    )
    expect(statusLine({ devicesOnline: 2, devicesKnown: 3, activeAlerts: 1 })).toBe(
      '2 of 3 devices online · 1 active alert',
    )
    expect(statusLine({ devicesOnline: 1, devicesKnown: 1, activeAlerts: 4 })).toBe(
      '1 of 1 device online · 4 active alerts',
    )
  })
})

describe('start at login', () => {
  it('follows the setting on macOS and Windows, writing only on a change', () => {
    const app = new FakeApp()
    expect(applyStartAtLogin(app, 'win32', false)).toBe(false)
    expect(applyStartAtLogin(app, 'win32', true)).toBe(true)
    expect(app.loginItem.openAtLogin).toBe(true)
    expect(applyStartAtLogin(app, 'darwin', true)).toBe(false)
    expect(app.loginItemWrites).toBe(1)
  })

  it('a start at login opens no window (Windows passes a flag, macOS says so itself)', () => {
    const app = new FakeApp()
    applyStartAtLogin(app, 'win32', true)
    expect(startedHidden(['app.exe', ...app.loginArgs], app)).toBe(true)
    expect(startedHidden(['app.exe'], app)).toBe(false)
    app.loginItem = { openAtLogin: true, wasOpenedAsHidden: true }
    expect(startedHidden(['/Applications/App'], app)).toBe(true)
  })

  it('does nothing on Linux, where Electron has no login items', () => {
    const app = new FakeApp()
    expect(applyStartAtLogin(app, 'linux', true)).toBe(false)
    expect(app.loginItemWrites).toBe(0)
  })
})

describe('auto-update', () => {
  const desktop = (patch: Partial<Settings['desktop']>) =>
    Settings.parse({ desktop: patch }).desktop

  it('is off by default and loads nothing, so no network call is made', async () => {
    expect(Settings.parse({}).desktop).toEqual({
      startAtLogin: false,
      closeToTray: true,
      autoUpdate: false,
      updateUrl: null,
    })
    let loaded = 0
    const load = async (): Promise<UpdaterLike> => {
      loaded++
      throw new Error('must not load')
    }
    for (const plan of [
      updatePlan(desktop({}), true),
      updatePlan(desktop({ autoUpdate: true }), true),
      updatePlan(desktop({ autoUpdate: true, updateUrl: 'https://updates.example/iotcc/' }), false),
      updatePlan(desktop({ updateUrl: 'https://updates.example/iotcc/' }), true),
    ])
      expect(await checkForUpdate(plan, load, quiet)).toBe(false)
    expect(loaded).toBe(0)
  })

  it('with consent and a feed checks the generic feed once', async () => {
    const feeds: unknown[] = []
    let checks = 0
    const updater: UpdaterLike = {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      setFeedURL: (options) => feeds.push(options),
      checkForUpdates: async () => {
        checks++
        return null
      },
      on: () => undefined,
    }
    const plan = updatePlan(
      desktop({ autoUpdate: true, updateUrl: 'https://updates.example/iotcc/' }),
      true,
    )
    expect(await checkForUpdate(plan, async () => updater, quiet)).toBe(true)
    expect(feeds).toEqual([{ provider: 'generic', url: 'https://updates.example/iotcc/' }])
    expect(checks).toBe(1)
  })

  it('accepts only an https feed', () => {
    expect(() => desktop({ updateUrl: 'http://updates.example/' })).toThrow(/https/)
    expect(() => desktop({ updateUrl: 'not a url' })).toThrow()
  })
})

describe('the tray icon', () => {
  it('is a valid 32 x 32 RGBA PNG: an opaque disc on transparency', () => {
    const png = trayIconPng()
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    )
    expect(png.subarray(12, 16).toString()).toBe('IHDR')
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([32, 32, 8, 6])
    const idatLength = png.readUInt32BE(33)
    expect(png.subarray(37, 41).toString()).toBe('IDAT')
    const rows = inflateSync(png.subarray(41, 41 + idatLength))
    const alpha = (x: number, y: number) => rows[y * (1 + 32 * 4) + 1 + x * 4 + 3]
    expect(alpha(16, 16)).toBe(255)
    expect(alpha(0, 0)).toBe(0)
  })
})

describe('alert notifications', () => {
  it('shows fired and cleared alerts that notify, and nothing during quiet hours', () => {
    const shown: string[] = []
    class FakeNotification {
      static isSupported = () => true
      constructor(private readonly options: { title: string; body: string }) {}
      show(): void {
        shown.push(this.options.title)
      }
    }
    const events = new Emitter()
    notifyAlerts(events, FakeNotification)
    events.emit('alert.fired', { notify: true, title: 'Too hot', body: '31 °C' })
    events.emit('alert.fired', { notify: false, title: 'Quiet', body: '' })
    events.emit('alert.cleared', { notify: true, title: 'Back to normal', body: '' })
    expect(shown).toEqual(['Too hot', 'Back to normal'])
  })
})

describe('the shell paths and keychain', () => {
  it('finds the preload and page beside the main bundle, the firmware in resources when packaged', () => {
    const dev = shellPaths({
      mainDir: '/repo/out/main',
      isPackaged: false,
      resourcesPath: '/usr/lib/electron/resources',
      appPath: '/repo',
    })
    expect(dev).toEqual({
      preloadFile: '/repo/out/preload/index.cjs',
      indexFile: '/repo/out/renderer/index.html',
      firmwareDir: '/repo/firmware',
    })
    const packaged = shellPaths({
      mainDir: '/opt/app/resources/app.asar/out/main',
      isPackaged: true,
      resourcesPath: '/opt/app/resources',
      appPath: '/opt/app/resources/app.asar',
    })
    expect(packaged.firmwareDir).toBe('/opt/app/resources/firmware')
  })

  it("tells Linux's hard-coded fallback key from a real keychain", () => {
    const backend = (name: string) => ({
      isEncryptionAvailable: () => true,
      encryptString: (s: string) => Buffer.from(s),
      decryptString: (b: Buffer) => b.toString(),
      getSelectedStorageBackend: () => name,
    })
    expect(keychainIsReal(backend('gnome_libsecret'), 'linux')).toBe(true)
    expect(keychainIsReal(backend('basic_text'), 'linux')).toBe(false)
    expect(keychainIsReal(backend('basic_text'), 'darwin')).toBe(true)
    expect(keychainIsReal(new FakeSafeStorage(false), 'win32')).toBe(false)
  })
})
