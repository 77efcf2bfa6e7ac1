/**
 * The preload: exposes exactly the contract bridge (./bridge) as window.api. Reviewed for
 * Electronegativity's PRELOAD_JS_CHECK: see docs/electronegativity.md.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { createBridge } from './bridge'

export type { PreloadBridge } from './bridge'

contextBridge.exposeInMainWorld('api', createBridge(ipcRenderer))
