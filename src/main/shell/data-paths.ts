/** Where the shell finds its files, in development and in the packaged app. */
import { join } from 'node:path'

export interface ShellPaths {
  /** The built preload (CommonJS: sandboxed preloads cannot be ES modules). */
  preloadFile: string
  /** The built renderer page. */
  indexFile: string
  /** The MicroPython app the installer copies onto boards. */
  firmwareDir: string
  /** The tray icon's images (resources/tray, made by `npm run icons`). */
  trayDir: string
}

export function shellPaths(options: {
  /** Folder of the built main script (out/main). */
  mainDir: string
  isPackaged: boolean
  /** process.resourcesPath (packaged) */
  resourcesPath: string
  /** app.getAppPath() (development: the repository) */
  appPath: string
}): ShellPaths {
  return {
    preloadFile: join(options.mainDir, '../preload/index.cjs'),
    indexFile: join(options.mainDir, '../renderer/index.html'),
    // Packaged: electron-builder's extraResources copy firmware/ next to app.asar.
    firmwareDir: options.isPackaged
      ? join(options.resourcesPath, 'firmware')
      : join(options.appPath, 'firmware'),
    // Packaged: extraResources copy resources/tray next to app.asar too.
    trayDir: options.isPackaged
      ? join(options.resourcesPath, 'tray')
      : join(options.appPath, 'resources', 'tray'),
  }
}
