/**
 * Native file dialogs, provided by the Electron shell (dialog.showSaveDialog /
 * showOpenDialog) and absent in web mode and tests. Both resolve null when cancelled.
 */
export interface FileDialogs {
  saveFile(options: {
    title: string
    defaultName: string
    filters: { name: string; extensions: string[] }[]
  }): Promise<string | null>
  openFile(options: {
    title: string
    filters: { name: string; extensions: string[] }[]
  }): Promise<string | null>
}
