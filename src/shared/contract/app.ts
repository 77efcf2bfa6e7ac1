import { z } from 'zod'
import { method, NoParams } from './define'

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** Which shell runs the core: the desktop app or headless web mode. */
  shell: z.enum(['electron', 'web']),
  platform: z.string(),
  nodeVersion: z.string(),
  dataDir: z.string(),
  startedAt: z.number().describe('epoch ms'),
  /** Problems found at start-up that the person should know about (e.g. a corrupt settings file that was set aside). */
  warnings: z.array(z.string()),
  /** Where readings history lives in this run (settings.history at start, or serve --history). */
  historyStore: z.enum(['sqlite', 'influx']).optional(),
})
export type AppInfo = z.infer<typeof AppInfo>

export const appMethods = {
  /** Name, version, shell and start-up warnings of the running core. */
  'app.info': method(NoParams, AppInfo, 'Describe the running app and any start-up warnings.'),
}

export const appEvents = {}
