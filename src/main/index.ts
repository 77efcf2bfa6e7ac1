/**
 * The Electron shell: the only file in main that imports electron. It builds a locked-down
 * window, creates the core, and binds the contract to one IPC channel each way.
 */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Notification, session, shell } from 'electron'
import { version } from '../../package.json'
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/api'
import { createCore, type Core } from './core/create-core'
import { createLogger } from './core/base/logger'
import type { FileDialogs } from './core/integrations/file-dialogs'
import { CONTENT_SECURITY_POLICY } from './server/web-server'

const here = fileURLToPath(new URL('.', import.meta.url))
const logger = createLogger()
let core: Core | undefined
let window: BrowserWindow | undefined

function isOwnPage(url: string): boolean {
  const devUrl = process.env.ELECTRON_RENDERER_URL
  return devUrl ? url.startsWith(devUrl) : url.startsWith('file://')
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'ESP32 IoT Control Center',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  win.once('ready-to-show', () => win.show())
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(join(here, '../renderer/index.html'))
  return win
}

function lockDown(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(permission === 'notifications'),
  )
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnPage(url)) event.preventDefault()
    })
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })
}

/** Native save/open dialogs for export and backup; null when the person cancels. */
const dialogs: FileDialogs = {
  async saveFile({ title, defaultName, filters }) {
    const options = { title, defaultPath: defaultName, filters }
    const result = window
      ? await dialog.showSaveDialog(window, options)
      : await dialog.showSaveDialog(options)
    return result.canceled || !result.filePath ? null : result.filePath
  },
  async openFile({ title, filters }) {
    const options = { title, filters, properties: ['openFile' as const] }
    const result = window
      ? await dialog.showOpenDialog(window, options)
      : await dialog.showOpenDialog(options)
    return result.canceled ? null : (result.filePaths[0] ?? null)
  },
}

function notifyAlerts(running: Core): void {
  const show = (notice: { notify: boolean; title: string; body: string }): void => {
    if (notice.notify && Notification.isSupported())
      new Notification({ title: notice.title, body: notice.body }).show()
  }
  running.events.on('alert.fired', show)
  running.events.on('alert.cleared', show)
}

async function start(): Promise<void> {
  lockDown()
  core = await createCore({
    dataDir: app.getPath('userData'),
    shell: 'electron',
    version,
    logger,
    dialogs,
    // Packaged: electron-builder's extraResources copy firmware/ next to app.asar.
    firmwareDir: app.isPackaged
      ? join(process.resourcesPath, 'firmware')
      : join(app.getAppPath(), 'firmware'),
  })
  notifyAlerts(core)
  ipcMain.handle(IPC_CALL_CHANNEL, (event, method: unknown, params: unknown) => {
    if (!event.senderFrame || !isOwnPage(event.senderFrame.url)) {
      return {
        ok: false,
        error: { code: 'PERMISSION_DENIED', message: 'Call from an unknown page.' },
      }
    }
    return core?.call(method, params)
  })
  core.events.onAny((name, payload) => {
    if (window && !window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload)
  })
  window = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow()
  })
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // A second launch of the app focuses this one (its window may be closed on macOS).
  app.on('second-instance', () => {
    if (!core) return
    if (!window || window.isDestroyed()) window = createWindow()
    if (window.isMinimized()) window.restore()
    window.focus()
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  app.on('will-quit', () => void core?.close())
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      logger.error('start failed', { error })
      // e.g. `npm run serve` has the same data folder: the core's lock error names it and who.
      const detail = error instanceof Error ? error.message : String(error)
      dialog.showErrorBox('ESP32 IoT Control Center could not start', detail)
      app.exit(1)
    })
}
