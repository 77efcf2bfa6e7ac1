/**
 * Settings → Desktop take effect at once: the OS login item follows the setting, and the
 * first update check runs as soon as auto-update is turned on with a feed (once per run).
 */
import type { Settings } from '../../shared/contract/settings'
import { applyStartAtLogin, type LoginItemApp } from './login-item'
import { checkForUpdate, updatePlan, type UpdaterLike } from './updater'

export interface DesktopSettingsDeps {
  app: LoginItemApp & { isPackaged: boolean }
  platform: NodeJS.Platform
  settings: { get(): Settings; onChange(listener: () => void): unknown }
  loadUpdater: () => Promise<UpdaterLike>
  log: { info(message: string, fields?: Record<string, unknown>): void }
}

/** Applies the desktop settings now and on every settings change. */
export function followDesktopSettings(deps: DesktopSettingsDeps): void {
  let updateChecked = false
  const apply = (): void => {
    const wanted = deps.settings.get().desktop
    applyStartAtLogin(deps.app, deps.platform, wanted.startAtLogin)
    const plan = updatePlan(wanted, deps.app.isPackaged)
    if (updateChecked || !plan.check) return
    updateChecked = true
    void checkForUpdate(plan, deps.loadUpdater, deps.log)
  }
  apply()
  deps.settings.onChange(apply)
}

/** electron-updater, loaded only with consent; CommonJS, so from Node ESM its exports sit on default. */
export async function loadElectronUpdater(): Promise<UpdaterLike> {
  type Exports = { autoUpdater: UpdaterLike }
  const module: Partial<Exports> & { default?: Exports } = await import('electron-updater')
  const updater = module.autoUpdater ?? module.default?.autoUpdater
  if (!updater) throw new Error('electron-updater has no autoUpdater')
  return updater
}
