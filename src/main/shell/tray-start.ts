/**
 * The tray icon at start. It comes before the window: closing the window keeps the app
 * running only with a tray, so a desktop without one gets a warning, not a failed start.
 */
import { TrayController, type MenuItemOptions, type TrayDeps, type TrayLike } from './tray'
import { loadTrayImage, type ImageLoader, type TrayImage } from './tray-image'

export interface TrayStartDeps<I extends TrayImage> {
  Tray: new (image: I) => TrayLike
  nativeImage: ImageLoader<I>
  buildMenu(items: MenuItemOptions[]): unknown
  platform: NodeJS.Platform
  trayDir: string
  core: TrayDeps['core']
  open(): void
  quit(): void
  log: TrayDeps['log'] & { error(message: string, fields?: Record<string, unknown>): void }
}

/** The running tray, or undefined when this desktop has none (logged). */
export function startTray<I extends TrayImage>(deps: TrayStartDeps<I>): TrayController | undefined {
  try {
    const image = loadTrayImage(deps.nativeImage, deps.platform, deps.trayDir, deps.log)
    const tray = new TrayController({
      tray: new deps.Tray(image),
      buildMenu: deps.buildMenu,
      core: deps.core,
      open: deps.open,
      quit: deps.quit,
      log: deps.log,
    })
    void tray.refresh()
    return tray
  } catch (error) {
    deps.log.warn('no tray icon: closing the window quits the app', { error })
    return undefined
  }
}
