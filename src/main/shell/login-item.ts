/**
 * Start at login (Settings → Desktop): the OS login item follows the setting, and is written
 * only when it differs, so a person's own change in the OS settings is not fought on every
 * settings event. Linux has no Electron login items: the setting says so instead.
 */

export interface LoginItemApp {
  getLoginItemSettings(): { openAtLogin: boolean }
  setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean }): void
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
  app.setLoginItemSettings({ openAtLogin: wanted, openAsHidden: true })
  return true
}
