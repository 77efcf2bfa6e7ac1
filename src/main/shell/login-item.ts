/**
 * Start at login (Settings → Desktop): the OS login item follows the setting, and is written
 * only when it differs, so a person's own change in the OS settings is not fought on every
 * settings event. Linux has no Electron login items: the setting says so instead.
 */

export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAsHidden?: boolean }
  setLoginItemSettings(settings: {
    openAtLogin: boolean
    openAsHidden?: boolean
    args?: string[]
  }): void
}

/** Passed by the Windows login item; macOS reports wasOpenedAsHidden instead. */
export const HIDDEN_FLAG = '--hidden'

/** Started at login: stay in the tray (the broker runs) and open no window. */
export function startedHidden(argv: readonly string[], app: LoginItemApp): boolean {
  return argv.includes(HIDDEN_FLAG) || app.getLoginItemSettings().wasOpenedAsHidden === true
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
  if (app.getLoginItemSettings().openAtLogin === wanted) return false
  app.setLoginItemSettings({ openAtLogin: wanted, openAsHidden: true, args: [HIDDEN_FLAG] })
  return true
}
