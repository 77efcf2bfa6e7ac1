/**
 * The Electron shell: the only file in main that imports electron. It hands Electron's
 * objects to the plain modules of ./shell (tested in Node with a stand-in), creates the core
 * and binds the contract to one IPC channel each way.
 */
import { fileURLToPath } from 'node:url'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  safeStorage,
  screen,
  session,
  Tray,
} from 'electron'
import { version } from '../../package.json'
import type { Core } from './core/create-core'
import { createLogger } from './core/base/logger'
import { CONTENT_SECURITY_POLICY } from './server/web-server'
import { shellPaths } from './shell/data-paths'
import { APP_ID } from './shell/app-id'
import { installCloseToTray } from './shell/close-to-tray'
import { startDesktopCore } from './shell/desktop-core'
import { followDesktopSettings, loadElectronUpdater } from './shell/desktop-settings'
import { opensWindowAtStart, startedHidden } from './shell/login-item'
import { guardContents } from './shell/navigation-guard'
import { createPagePolicy } from './shell/page-policy'
import { lockSession } from './shell/session-policy'
import { claimSingleInstance } from './shell/single-instance'
import type { TrayController } from './shell/tray'
import { startTray } from './shell/tray-start'
import { keepMainWindow } from './shell/window-opener'

const logger = createLogger().child('shell')
const paths = shellPaths({
  mainDir: fileURLToPath(new URL('.', import.meta.url)),
  isPackaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
  appPath: app.getAppPath(),
})
const policy = createPagePolicy({
  indexFile: paths.indexFile,
  devUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
  platform: process.platform,
})
let core: Core | undefined
let tray: TrayController | undefined

const windows = keepMainWindow({
  BrowserWindow,
  screen,
  dataDir: () => app.getPath('userData'),
  preloadFile: paths.preloadFile,
  policy,
  log: logger,
})
const openWindow = (): void => void windows.open()

async function start(): Promise<void> {
  lockSession(session.defaultSession, { csp: CONTENT_SECURITY_POLICY, policy, log: logger })
  app.on('web-contents-created', (_event, contents) => guardContents(contents, policy, logger))
  const running = await startDesktopCore<BrowserWindow>({
    app,
    platform: process.platform,
    dataDir: app.getPath('userData'),
    version,
    firmwareDir: paths.firmwareDir,
    policy,
    safeStorage,
    dialog,
    Notification,
    ipcMain,
    powerMonitor,
    window: () => windows.current,
    beforeClose: () => tray?.close(),
    log: logger,
  })
  core = running
  // The tray before the window: closing the window keeps the app running only with a tray.
  tray = startTray({
    Tray,
    nativeImage,
    buildMenu: (items) => Menu.buildFromTemplate(items),
    platform: process.platform,
    trayDir: paths.trayDir,
    core: running,
    open: openWindow,
    quit: () => app.quit(),
    log: logger,
  })
  if (opensWindowAtStart(startedHidden(process.argv, app), tray !== undefined)) openWindow()
  followDesktopSettings({
    app,
    platform: process.platform,
    settings: running.settings,
    loadUpdater: loadElectronUpdater,
    log: logger,
  })
}

// Before any notification: Windows matches toasts to the installer's shortcut by this ID.
if (process.platform === 'win32') app.setAppUserModelId(APP_ID)

if (claimSingleInstance(app, () => core && openWindow())) {
  app.on('activate', () => core && openWindow())
  installCloseToTray(app, {
    platform: process.platform,
    dataDir: app.getPath('userData'),
    closeToTray: () => core?.settings.get().desktop.closeToTray ?? false,
    trayShown: () => tray !== undefined,
    Notification,
    open: () => core && openWindow(),
    log: logger,
  })
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
