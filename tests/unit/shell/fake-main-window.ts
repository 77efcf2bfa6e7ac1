import { createMainWindow } from '../../../src/main/shell/main-window'
import { createPagePolicy } from '../../../src/main/shell/page-policy'
import { DEFAULT_SIZE, type WindowState } from '../../../src/main/shell/window-state'
import { FakeBrowserWindow } from './fake-electron'

/** Where the built app's page would be (the policy allows only this file). */
export const INDEX_FILE = '/app/out/renderer/index.html'

/**
 * The real main window code (createMainWindow) on a FakeBrowserWindow, with the built app's
 * preload and page, as src/main/index.ts opens it.
 */
export function openFakeMainWindow(
  state: WindowState = { ...DEFAULT_SIZE, maximized: false },
  onClose: (state: WindowState) => void = () => undefined,
): FakeBrowserWindow {
  return createMainWindow({
    BrowserWindow: FakeBrowserWindow,
    preloadFile: '/app/out/preload/index.cjs',
    policy: createPagePolicy({ indexFile: INDEX_FILE }),
    state,
    onClose,
  })
}
