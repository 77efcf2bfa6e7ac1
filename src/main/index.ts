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
import { createCore, type Core } from './core/create-core'
import { createLogger } from './core/base/logger'
import { CONTENT_SECURITY_POLICY } from './server/web-server'
import { notifyAlerts } from './shell/alert-notifications'
import { shellPaths } from './shell/data-paths'
import { electronDialogs } from './shell/file-dialogs'
import { APP_ID } from './shell/app-id'
import { installCloseToTray } from './shell/close-to-tray'
import { forwardEvents, registerIpc } from './shell/ipc-bridge'
import { applyStartAtLogin, opensWindowAtStart, startedHidden } from './shell/login-item'
import { createMainWindow } from './shell/main-window'
import { guardContents } from './shell/navigation-guard'
import { createPagePolicy } from './shell/page-policy'
import { installQuitSequence, quitOnSystemShutdown } from './shell/quit-sequence'
import { electronSecretBox, keychainIsReal } from './shell/secret-box-electron'
import { lockSession } from './shell/session-policy'
import { claimSingleInstance } from './shell/single-instance'
import { TrayController } from './shell/tray'
import { loadTrayImage } from './shell/tray-image'
import { checkForUpdate, updatePlan, type UpdaterLike } from './shell/updater'
import { WindowKeeper } from './shell/window-keeper'
import { loadWindowState, saveWindowState } from './shell/window-state'

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

const windows = new WindowKeeper(() => {
  const dataDir = app.getPath('userData')
  const workAreas = screen.getAllDisplays().map((d) => d.workArea)
  return createMainWindow({
    BrowserWindow,
    preloadFile: paths.preloadFile,
    policy,
    state: loadWindowState(dataDir, workAreas, logger),
    onClose: (state) =>
      void saveWindowState(dataDir, state).catch((error: unknown) =>
        logger.warn('window state not saved', { error }),
      ),
  })
})
const openWindow = (): void => void windows.open()

/** electron-updater, loaded only with consent; CommonJS, so from Node ESM its exports sit on default. */
async function loadUpdater(): Promise<UpdaterLike> {
  type Exports = { autoUpdater: UpdaterLike }
  const module: Partial<Exports> & { default?: Exports } = await import('electron-updater')
  const updater = module.autoUpdater ?? module.default?.autoUpdater
  if (!updater) throw new Error('electron-updater has no autoUpdater')
  return updater
}

async function start(): Promise<void> {
  lockSession(session.defaultSession, { csp: CONTENT_SECURITY_POLICY, policy, log: logger })
  app.on('web-contents-created', (_event, contents) => guardContents(contents, policy, logger))
  if (!keychainIsReal(safeStorage, process.platform))
    logger.warn('no OS keychain: saved passwords and tokens are protected by the file mode only')
  const running = await createCore({
    dataDir: app.getPath('userData'),
    shell: 'electron',
    version,
    logger: createLogger(),
    dialogs: electronDialogs(dialog, () => windows.current),
    secrets: electronSecretBox(safeStorage),
    firmwareDir: paths.firmwareDir,
  })
  core = running
  notifyAlerts(running.events, Notification)
  const unregister = registerIpc(ipcMain, running, policy)
  const unforward = forwardEvents(running.events, () => windows.current)
  installQuitSequence(app, {
    log: logger,
    close: async () => {
      unregister()
      unforward()
      tray?.close()
      await running.close()
    },
  })
  // Electron's typings give 'shutdown' listeners no argument; its docs and emitter pass the
  // event whose preventDefault() holds the shutdown.
  const shutdown = {
    on: (event: 'shutdown', listener: (e?: { preventDefault(): void }) => void) =>
      powerMonitor.on(event, listener),
  }
  quitOnSystemShutdown(shutdown, app, logger)
  // The tray before the window: closing the window keeps the app running only with a tray.
  try {
    tray = new TrayController({
      tray: new Tray(loadTrayImage(nativeImage, process.platform, paths.trayDir, logger)),
      buildMenu: (items) => Menu.buildFromTemplate(items),
      core: running,
      open: openWindow,
      quit: () => app.quit(),
      log: logger,
    })
    void tray.refresh()
  } catch (error) {
    logger.warn('no tray icon: closing the window quits the app', { error })
  }
  if (opensWindowAtStart(startedHidden(process.argv, app), tray !== undefined)) openWindow()
  // Settings → Desktop take effect at once: the login item, and a first update check as
  // soon as auto-update is turned on with a feed (once per run).
  let updateChecked = false
  const desktop = (): void => {
    const wanted = running.settings.get().desktop
    applyStartAtLogin(app, process.platform, wanted.startAtLogin)
    const plan = updatePlan(wanted, app.isPackaged)
    if (updateChecked || !plan.check) return
    updateChecked = true
    void checkForUpdate(plan, loadUpdater, logger)
  }
  desktop()
  running.settings.onChange(desktop)
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
