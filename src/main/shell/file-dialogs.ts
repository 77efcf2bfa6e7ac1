/** Native save/open dialogs for export and backup, over Electron's dialog module. */
import type { FileDialogs } from '../core/integrations/file-dialogs'

interface FileFilter {
  name: string
  extensions: string[]
}

/** The part of Electron's dialog module this uses (both overloads: with and without a window). */
export interface DialogLike<W> {
  showSaveDialog(
    window: W,
    options: { title: string; defaultPath: string; filters: FileFilter[] },
  ): Promise<{ canceled: boolean; filePath?: string }>
  showOpenDialog(
    window: W,
    options: { title: string; filters: FileFilter[]; properties: ['openFile'] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>
}

/** Dialogs attached to the main window; null when the person cancels. */
export function electronDialogs<W>(
  dialog: DialogLike<W>,
  window: () => W | undefined,
): FileDialogs {
  return {
    async saveFile({ title, defaultName, filters }) {
      const win = window()
      if (!win) return null
      const result = await dialog.showSaveDialog(win, { title, defaultPath: defaultName, filters })
      return result.canceled || !result.filePath ? null : result.filePath
    },
    async openFile({ title, filters }) {
      const win = window()
      if (!win) return null
      const result = await dialog.showOpenDialog(win, { title, filters, properties: ['openFile'] })
      return result.canceled ? null : (result.filePaths[0] ?? null)
    },
  }
}
