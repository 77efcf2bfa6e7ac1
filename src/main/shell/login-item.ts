/**
 * Start at login (Settings → Desktop): the OS login item follows the setting, and is written
 * only when it differs, so a person's own change in the OS settings is not fought on every
 * settings event. Linux has no Electron login items: the setting says so instead.
 */

export interface LoginItemApp {
  getLoginItemSettings(options?: { args?: string[] }): {
    openAtLogin: boolean
    wasOpenedAsHidden?: boolean
    wasOpenedAtLogin?: boolean
  }
  setLoginItemSettings(settings: {
    openAtLogin: boolean
    openAsHidden?: boolean
    args?: string[]
  }): void
}

/** Passed by the Windows login item; macOS reports how it opened the app instead. */
export const HIDDEN_FLAG = '--hidden'

/**
 * Started at login: stay in the tray (the broker runs) and open no window. macOS 13 and later
 * ignore openAsHidden and no longer report wasOpenedAsHidden, but still say wasOpenedAtLogin;
 * the only login item this app makes is one meant to start hidden.
 */
export function startedHidden(argv: readonly string[], app: LoginItemApp): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true
  const item = app.getLoginItemSettings()
  return item.wasOpenedAsHidden === true || item.wasOpenedAtLogin === true
}

/**
 * Whether to open the window at start: not after a start at login, unless there is no tray
 * icon, since a hidden app without one could be neither seen nor quit.
 */
export function opensWindowAtStart(startedAtLogin: boolean, trayShown: boolean): boolean {
  return !startedAtLogin || !trayShown
}

export function loginItemSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32'
}

/** Applies the setting; returns whether the OS item was changed. */
export function applyStartAtLogin(
  app: LoginItemApp,
  platform: NodeJS.Platform,
  wanted: boolean,
): boolean {
  if (!loginItemSupported(platform)) return false
  // Windows finds the Run entry only when asked with the args it was written with: asked
  // without them it says "off", and turning the setting off would never remove the entry.
  const query = platform === 'win32' ? { args: [HIDDEN_FLAG] } : undefined
  if (app.getLoginItemSettings(query).openAtLogin === wanted) return false
  app.setLoginItemSettings({ openAtLogin: wanted, openAsHidden: true, args: [HIDDEN_FLAG] })
  return true
}
