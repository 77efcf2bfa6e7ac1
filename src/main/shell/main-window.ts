/**
 * The main window, locked down: context isolation, the sandbox, no Node in the page, web
 * security on, no Auxclick (middle-click would open links in new windows), no webviews.
 * The BrowserWindow class is passed in, so tests build it with a stand-in and read back
 * exactly these options; the literal stays here so Electronegativity sees it too.
 */
import type { GuardableContents } from './navigation-guard'
import type { PagePolicy } from './page-policy'
import { MIN_SIZE, type Rectangle, type WindowState } from './window-state'

export const WINDOW_TITLE = 'ESP32 IoT Control Center'

export interface WindowOptions {
  x?: number
  y?: number
  width: number
  height: number
  minWidth: number
  minHeight: number
  show: boolean
  title: string
  backgroundColor: string
  webPreferences: {
    preload: string
    contextIsolation: boolean
    sandbox: boolean
    nodeIntegration: boolean
    nodeIntegrationInSubFrames: boolean
    nodeIntegrationInWorker: boolean
    webSecurity: boolean
    allowRunningInsecureContent: boolean
    webviewTag: boolean
    experimentalFeatures: boolean
    navigateOnDragDrop: boolean
    safeDialogs: boolean
    disableBlinkFeatures: string
  }
}

export interface ShellWindow {
  readonly webContents: GuardableContents & { send(channel: string, ...args: unknown[]): void }
  once(event: 'ready-to-show', listener: () => void): unknown
  on(event: 'close', listener: () => void): unknown
  loadURL(url: string): Promise<void>
  show(): void
  focus(): void
  restore(): void
  maximize(): void
  isMinimized(): boolean
  isMaximized(): boolean
  isDestroyed(): boolean
  getNormalBounds(): Rectangle
}

export type WindowClass<W extends ShellWindow> = new (options: WindowOptions) => W

export interface MainWindowOptions<W extends ShellWindow> {
  BrowserWindow: WindowClass<W>
  preloadFile: string
  policy: PagePolicy
  state: WindowState
  /** Called with the window's size and place when it closes (to be remembered). */
  onClose(state: WindowState): void
}

export function createMainWindow<W extends ShellWindow>(options: MainWindowOptions<W>): W {
  const { BrowserWindow, state } = options
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: WINDOW_TITLE,
    // The dark theme's background: no white flash before the page paints.
    backgroundColor: '#111418',
    webPreferences: {
      // The contract bridge (src/preload): reviewed, see docs/electronegativity.md.
      preload: options.preloadFile,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  })
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize()
    win.show()
  })
  win.on('close', () => {
    const bounds = win.getNormalBounds()
    options.onClose({ ...bounds, maximized: win.isMaximized() })
  })
  void win.loadURL(options.policy.startUrl)
  return win
}

/** Brings the window to the front (a second launch, the tray's Open). */
export function focusWindow(win: ShellWindow): void {
  if (win.isMinimized()) win.restore()
  win.show()
  win.focus()
}
