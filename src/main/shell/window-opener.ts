/**
 * The main window as the shell opens it: placed where it was last (on a display that still
 * exists), and its size and place saved when it closes.
 */
import type { PagePolicy } from './page-policy'
import { createMainWindow, type ShellWindow, type WindowClass } from './main-window'
import { WindowKeeper } from './window-keeper'
import { loadWindowState, saveWindowState, type Rectangle } from './window-state'

export interface WindowOpenerDeps<W extends ShellWindow> {
  BrowserWindow: WindowClass<W>
  screen: { getAllDisplays(): { workArea: Rectangle }[] }
  /** Read when a window is made (Electron's userData path is known only once the app is ready). */
  dataDir: () => string
  preloadFile: string
  policy: PagePolicy
  log: { warn(message: string, fields?: Record<string, unknown>): void }
}

export function keepMainWindow<W extends ShellWindow>(deps: WindowOpenerDeps<W>): WindowKeeper<W> {
  return new WindowKeeper(() => {
    const dataDir = deps.dataDir()
    const workAreas = deps.screen.getAllDisplays().map((d) => d.workArea)
    return createMainWindow({
      BrowserWindow: deps.BrowserWindow,
      preloadFile: deps.preloadFile,
      policy: deps.policy,
      state: loadWindowState(dataDir, workAreas, deps.log),
      onClose: (state) =>
        void saveWindowState(dataDir, state).catch((error: unknown) =>
          deps.log.warn('window state not saved', { error }),
        ),
    })
  })
}
