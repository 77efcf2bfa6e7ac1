import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { focusWindow } from '../../../src/main/shell/main-window'
import { claimSingleInstance } from '../../../src/main/shell/single-instance'
import { forwardEvents } from '../../../src/main/shell/ipc-bridge'
import { WindowKeeper } from '../../../src/main/shell/window-keeper'
import {
  DEFAULT_SIZE,
  loadWindowState,
  saveWindowState,
  WINDOW_STATE_FILE,
  type WindowState,
} from '../../../src/main/shell/window-state'
import { tempDir } from '../../helpers/temp-dir'
import { INDEX_FILE as indexFile, openFakeMainWindow } from './fake-main-window'
import { Emitter, FakeApp, FakeBrowserWindow } from './fake-electron'

const display = { x: 0, y: 0, width: 1920, height: 1080 }
const quiet = { warn: () => undefined }

let dir: { path: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  dir = await tempDir('shell-window-')
})
afterEach(async () => {
  await dir.cleanup()
})

const open = openFakeMainWindow

describe('the main window', () => {
  it('keeps context isolation and the sandbox, without Node, Auxclick or webviews', () => {
    const win = open({ ...DEFAULT_SIZE, maximized: false })
    const prefs = (win.options as unknown as { webPreferences: Record<string, unknown> })
      .webPreferences
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    })
    expect(win.loadedUrl).toBe(pathToFileURL(indexFile).href)
    expect(win.shown).toBe(false)
    win.emit('ready-to-show')
    expect(win.shown).toBe(true)
  })

  it('opens where it was closed, and remembers the new place on close', async () => {
    const saved: WindowState[] = []
    const win = open({ x: 200, y: 150, width: 1400, height: 900, maximized: true }, (s) =>
      saved.push(s),
    )
    expect(win.options).toMatchObject({ x: 200, y: 150, width: 1400, height: 900 })
    win.emit('ready-to-show')
    expect(win.maximized).toBe(true)
    win.bounds = { x: 10, y: 20, width: 1000, height: 700 }
    win.maximized = false
    win.close()
    expect(saved).toEqual([{ x: 10, y: 20, width: 1000, height: 700, maximized: false }])

    await saveWindowState(dir.path, saved[0]!)
    expect(loadWindowState(dir.path, [display], quiet)).toEqual(saved[0])
  })

  it('drops a saved position that is on no connected display', async () => {
    await saveWindowState(dir.path, { x: 3000, y: 100, width: 1000, height: 700, maximized: false })
    expect(loadWindowState(dir.path, [display], quiet)).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    })
    // With the second monitor back, the position is used again.
    const second = { x: 1920, y: 0, width: 1920, height: 1080 }
    expect(loadWindowState(dir.path, [display, second], quiet)).toMatchObject({ x: 3000 })
  })

  it('falls back to the default size on a corrupt or hostile state file', () => {
    const warnings: string[] = []
    const log = { warn: (m: string) => warnings.push(m) }
    const file = join(dir.path, WINDOW_STATE_FILE)
    for (const body of ['{not json', '{"width": 1e9, "height": 5}', '[]', '"x"']) {
      writeFileSync(file, body)
      expect(loadWindowState(dir.path, [display], log)).toEqual({
        ...DEFAULT_SIZE,
        maximized: false,
      })
    }
    expect(warnings).toHaveLength(4)
    expect(readFileSync(file, 'utf8')).toBe('"x"')
  })

  it('is brought to the front from minimised', () => {
    const win = open({ ...DEFAULT_SIZE, maximized: false })
    win.minimized = true
    focusWindow(win)
    expect(win.minimized).toBe(false)
    expect(win.focused).toBe(true)
  })
})

describe('single instance', () => {
  it('a second launch hands over and quits; the first comes to the front', () => {
    const second = new FakeApp(false)
    let focused = 0
    expect(claimSingleInstance(second, () => focused++)).toBe(false)
    expect(second.quitCalls).toBe(1)

    const first = new FakeApp(true)
    expect(claimSingleInstance(first, () => focused++)).toBe(true)
    expect(first.quitCalls).toBe(0)
    first.emit('second-instance', {}, ['app'], '/')
    expect(focused).toBe(1)
  })

  it('a second launch after the window was closed to the tray opens a new one, which gets the events', () => {
    const app = new FakeApp(true)
    app.on('window-all-closed', () => undefined) // closed to the tray: the app keeps running
    const windows = new WindowKeeper(() => {
      const win = open({ ...DEFAULT_SIZE, maximized: false })
      app.track(win)
      return win
    })
    const events = new Emitter()
    const onAny = (listener: (name: string, payload: unknown) => void): (() => void) => {
      events.on('any', listener)
      return () => undefined
    }
    forwardEvents({ onAny }, () => windows.current)
    claimSingleInstance(app, () => windows.open())

    const first = windows.open()
    first.minimized = true
    app.emit('second-instance', {}, ['app'], '/')
    expect(FakeBrowserWindow.instances.at(-1)).toBe(first)
    expect([first.minimized, first.focused]).toEqual([false, true])

    first.close()
    expect(windows.current).toBeUndefined()
    events.emit('any', 'device.updated', { id: 'a' })
    app.emit('second-instance', {}, ['app'], '/')
    const second = windows.current!
    expect(second).not.toBe(first)
    second.emit('ready-to-show')
    expect(second.shown).toBe(true)
    events.emit('any', 'device.updated', { id: 'b' })
    expect(second.webContents.sent.map((m) => m.args)).toEqual([['device.updated', { id: 'b' }]])
    expect(first.webContents.sent).toEqual([])
    expect(app.ended).toBe(false)
  })
})
