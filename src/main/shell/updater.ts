/**
 * Optional auto-update through electron-updater's generic provider (a plain https folder
 * with latest.yml and the installers). Nothing happens, and electron-updater is not even
 * loaded, unless Settings → Desktop has auto-update on and a feed URL: no network call
 * without that consent, and no telemetry either way.
 */
import type { Settings } from '../../shared/contract/settings'

/** The part of electron-updater's AppUpdater this module uses. */
export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  setFeedURL(options: { provider: 'generic'; url: string }): void
  checkForUpdates(): Promise<unknown>
  on(event: 'error', listener: (error: Error) => void): unknown
}

export type UpdatePlan =
  { check: false; reason: 'off' | 'no feed URL' | 'not packaged' } | { check: true; url: string }

export function updatePlan(desktop: Settings['desktop'], isPackaged: boolean): UpdatePlan {
  if (!desktop.autoUpdate) return { check: false, reason: 'off' }
  if (!desktop.updateUrl) return { check: false, reason: 'no feed URL' }
  // A development run has no installer to replace.
  if (!isPackaged) return { check: false, reason: 'not packaged' }
  return { check: true, url: desktop.updateUrl }
}

/**
 * Checks once for an update when the plan allows; a download is installed on quit. Errors
 * (offline, a bad feed) are logged and never stop the app.
 */
export async function checkForUpdate(
  plan: UpdatePlan,
  loadUpdater: () => Promise<UpdaterLike>,
  log: { info(message: string, fields?: Record<string, unknown>): void },
): Promise<boolean> {
  if (!plan.check) {
    log.info('auto-update skipped', { reason: plan.reason })
    return false
  }
  try {
    const updater = await loadUpdater()
    updater.autoDownload = true
    updater.autoInstallOnAppQuit = true
    updater.on('error', (error) => log.info('auto-update failed', { message: error.message }))
    updater.setFeedURL({ provider: 'generic', url: plan.url })
    await updater.checkForUpdates()
    return true
  } catch (error) {
    log.info('auto-update failed', { message: error instanceof Error ? error.message : error })
    return false
  }
}
