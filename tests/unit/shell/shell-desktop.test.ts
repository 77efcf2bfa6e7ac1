import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { Settings } from '../../../src/shared/contract/settings'
import { notifyAlerts } from '../../../src/main/shell/alert-notifications'
import {
  applyStartAtLogin,
  opensWindowAtStart,
  startedHidden,
} from '../../../src/main/shell/login-item'
import { loadTrayImage, trayImageFile } from '../../../src/main/shell/tray-image'
import { pngSize, readIco } from '../../../scripts/icons/containers'
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
    for (const platform of ['win32', 'darwin'] as const) {
      const app = new FakeApp()
      app.loginPlatform = platform
      expect(applyStartAtLogin(app, platform, false)).toBe(false)
      expect(applyStartAtLogin(app, platform, true)).toBe(true)
      expect(app.loginItem.openAtLogin).toBe(true)
      expect(applyStartAtLogin(app, platform, true)).toBe(false)
      expect(app.loginItemWrites, platform).toBe(1)
      // Turned off again: on Windows the item is found only with the args it was set with.
      expect(applyStartAtLogin(app, platform, false), platform).toBe(true)
      expect(app.loginItem.openAtLogin).toBe(false)
    }
  })

  it('a start at login opens no window (Windows passes a flag, macOS says so itself)', () => {
    const app = new FakeApp()
    applyStartAtLogin(app, 'win32', true)
    expect(startedHidden(['app.exe', ...app.loginArgs], app)).toBe(true)
    expect(startedHidden(['app.exe'], app)).toBe(false)
    app.loginItem = { openAtLogin: true, wasOpenedAsHidden: true }
    expect(startedHidden(['/Applications/App'], app)).toBe(true)
    // macOS 13 and later no longer report wasOpenedAsHidden; wasOpenedAtLogin remains.
    app.loginItem = { openAtLogin: true, wasOpenedAtLogin: true }
    expect(startedHidden(['/Applications/App'], app)).toBe(true)
    app.loginItem = { openAtLogin: true, wasOpenedAtLogin: false }
    expect(startedHidden(['/Applications/App'], app)).toBe(false)
  })

  it('opens the window after a start at login only when there is no tray icon to find it by', () => {
    expect(opensWindowAtStart(true, true)).toBe(false)
    expect(opensWindowAtStart(true, false)).toBe(true)
    expect(opensWindowAtStart(false, true)).toBe(true)
    expect(opensWindowAtStart(false, false)).toBe(true)
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

const ROOT = resolve(__dirname, '../../..')
const repo = shellPaths({
  mainDir: join(ROOT, 'out/main'),
  isPackaged: false,
  resourcesPath: '/usr/lib/electron/resources',
  appPath: ROOT,
})

/** The RGBA pixels of an 8-bit RGBA PNG whose rows use filter 0 (what npm run icons writes). */
function pixels(png: Buffer): { width: number; rgba: (x: number, y: number) => number[] } {
  const { width, height } = pngSize(png)
  expect([png[24], png[25]], 'bit depth 8, colour type RGBA').toEqual([8, 6])
  const idat: Buffer[] = []
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at)
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT')
      idat.push(png.subarray(at + 8, at + 8 + length))
    at += 12 + length
  }
  const rows = inflateSync(Buffer.concat(idat))
  const stride = 1 + width * 4
  for (let y = 0; y < height; y++) expect(rows[y * stride], 'row filter').toBe(0)
  return {
    width,
    rgba: (x, y) => [...rows.subarray(y * stride + 1 + x * 4, y * stride + 5 + x * 4)],
  }
}

describe('the tray icon', () => {
  it('is the app icon on Linux and Windows, from the files npm run icons made', () => {
    const linux = trayImageFile('linux', repo.trayDir)
    expect(readFileSync(linux)).toEqual(readFileSync(join(ROOT, 'resources/icons/32x32.png')))
    const ico = readIco(readFileSync(trayImageFile('win32', repo.trayDir)))
    expect(ico.map((e) => e.width)).toEqual([16, 24, 32, 48])
  })

  it('is a macOS template image: black with alpha, 16 px and 32 px @2x', () => {
    const file = trayImageFile('darwin', repo.trayDir)
    // The suffix is what makes AppKit treat it as a template; @2x is found beside it.
    expect(file).toMatch(/Template\.png$/)
    for (const [name, size] of [
      [file, 16],
      [file.replace(/\.png$/, '@2x.png'), 32],
    ] as const) {
      const image = pixels(readFileSync(name))
      expect(image.width).toBe(size)
      const all = Array.from({ length: size * size }, (_, i) =>
        image.rgba(i % size, Math.floor(i / size)),
      )
      expect(all.filter(([r, g, b, a]) => a! > 0 && r! + g! + b! > 0)).toEqual([])
      const solid = all.filter((p) => p[3]! >= 128).length
      const clear = all.filter((p) => p[3] === 0).length
      // A glyph, not a filled square or an empty image.
      expect(solid / all.length).toBeGreaterThan(0.15)
      expect(clear / all.length).toBeGreaterThan(0.3)
    }
  })

  it('marks the template on macOS and logs a missing image instead of showing a blank icon', () => {
    const loaded: { path: string; template?: boolean }[] = []
    const nativeImage = {
      createFromPath: (path: string) => {
        const image = {
          path,
          template: undefined as boolean | undefined,
          isEmpty: () => !existsSync(path),
          setTemplateImage: (on: boolean) => (image.template = on),
        }
        loaded.push(image)
        return image
      },
    }
    const errors: string[] = []
    const log = { error: (m: string) => errors.push(m) }
    expect(loadTrayImage(nativeImage, 'darwin', repo.trayDir, log).template).toBe(true)
    expect(loadTrayImage(nativeImage, 'linux', repo.trayDir, log).template).toBeUndefined()
    expect(errors).toEqual([])
    loadTrayImage(nativeImage, 'win32', '/nowhere/tray', log)
    expect(errors).toEqual(['tray image missing or unreadable: the tray icon is blank'])
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
      trayDir: '/repo/resources/tray',
    })
    const packaged = shellPaths({
      mainDir: '/opt/app/resources/app.asar/out/main',
      isPackaged: true,
      resourcesPath: '/opt/app/resources',
      appPath: '/opt/app/resources/app.asar',
    })
    expect(packaged.firmwareDir).toBe('/opt/app/resources/firmware')
    expect(packaged.trayDir).toBe('/opt/app/resources/tray')
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
