/**
 * The core as the desktop app runs it: secrets sealed by the OS keychain, native file
 * dialogs, alert notifications, the contract over IPC, and a quit sequence (on Quit or on
 * system shutdown) that closes all of it.
 */
import { createLogger, type Logger } from '../core/base/logger'
import { createCore, type Core } from '../core/create-core'
import { notifyAlerts, type NotificationClass } from './alert-notifications'
import { electronDialogs, type DialogLike } from './file-dialogs'
import { forwardEvents, registerIpc, type EventSink, type IpcMainLike } from './ipc-bridge'
import type { PagePolicy } from './page-policy'
import {
  installQuitSequence,
  quitOnSystemShutdown,
  type QuitApp,
  type ShutdownSource,
} from './quit-sequence'
import { electronSecretBox, keychainIsReal, type SafeStorageLike } from './secret-box-electron'

export interface DesktopCoreDeps<W extends EventSink> {
  app: QuitApp & { quit(): void }
  platform: NodeJS.Platform
  dataDir: string
  version: string
  firmwareDir: string
  policy: PagePolicy
  safeStorage: SafeStorageLike
  dialog: DialogLike<W>
  Notification: NotificationClass
  ipcMain: IpcMainLike
  powerMonitor: ShutdownSource
  /** The open main window, if any (dialogs' parent, where events go). */
  window: () => W | undefined
  /** Closed at quit before the core (the tray). */
  beforeClose: () => void
  log: Logger
}

/** Creates the core and connects it to the desktop; resolves once it runs. */
export async function startDesktopCore<W extends EventSink>(
  deps: DesktopCoreDeps<W>,
): Promise<Core> {
  const { app, log } = deps
  if (!keychainIsReal(deps.safeStorage, deps.platform))
    log.warn('no OS keychain: saved passwords and tokens are protected by the file mode only')
  const core = await createCore({
    dataDir: deps.dataDir,
    shell: 'electron',
    version: deps.version,
    logger: createLogger(),
    dialogs: electronDialogs(deps.dialog, deps.window),
    secrets: electronSecretBox(deps.safeStorage),
    firmwareDir: deps.firmwareDir,
  })
  notifyAlerts(core.events, deps.Notification)
  const unregister = registerIpc(deps.ipcMain, core, deps.policy)
  const unforward = forwardEvents(core.events, deps.window)
  installQuitSequence(app, {
    log,
    close: async () => {
      unregister()
      unforward()
      deps.beforeClose()
      await core.close()
    },
  })
  quitOnSystemShutdown(deps.powerMonitor, app, log)
  return core
}
