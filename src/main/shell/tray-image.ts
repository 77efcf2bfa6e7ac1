/**
 * The tray icon's image: the app icon, as `npm run icons` makes it into resources/tray/ (shipped
 * next to app.asar). macOS gets a template image (black + alpha, 16 and 32 px via the `@2x`
 * file beside it) that the menu bar tints for light, dark and highlighted; Windows an .ico with
 * a size per display scale; Linux a 32 px PNG its panels scale down.
 */
import { join } from 'node:path'

export function trayImageFile(platform: NodeJS.Platform, trayDir: string): string {
  const name =
    platform === 'darwin' ? 'trayTemplate.png' : platform === 'win32' ? 'tray.ico' : 'tray.png'
  return join(trayDir, name)
}

export interface TrayImage {
  isEmpty(): boolean
  setTemplateImage(option: boolean): void
}

export interface ImageLoader<I extends TrayImage> {
  createFromPath(path: string): I
}

/**
 * Loads the image; a missing or unreadable file gives an empty image (Electron does not throw),
 * which would be an invisible tray icon, so that is logged as the packaging fault it is.
 */
export function loadTrayImage<I extends TrayImage>(
  nativeImage: ImageLoader<I>,
  platform: NodeJS.Platform,
  trayDir: string,
  log: { error(message: string, fields?: Record<string, unknown>): void },
): I {
  const file = trayImageFile(platform, trayDir)
  const image = nativeImage.createFromPath(file)
  if (image.isEmpty())
    log.error('tray image missing or unreadable: the tray icon is blank', { file })
  // The `Template` suffix already marks it on macOS; said once more so a rename cannot undo it.
  else if (platform === 'darwin') image.setTemplateImage(true)
  return image
}
