import { mkdirSync } from 'node:fs'
import type { CallOutcome } from '../../shared/api'
import { appHandlers } from './app/app-handlers'
import { systemClock, type Clock } from './base/clock'
import { EventBus } from './base/event-bus'
import { createLogger, type Logger } from './base/logger'
import { Dispatcher } from './rpc/dispatcher'
import type { Handlers } from './rpc/handlers'
import { settingsHandlers } from './settings/settings-handlers'
import { SettingsStore } from './settings/settings-store'

export interface CoreOptions {
  dataDir: string
  shell: 'electron' | 'web'
  version: string
  logger?: Logger
  clock?: Clock
}

/** The running core: one dispatcher for calls, one bus for events, one close(). */
export interface Core {
  call(method: unknown, params: unknown): Promise<CallOutcome>
  readonly events: EventBus
  readonly settings: SettingsStore
  close(): Promise<void>
}

/**
 * Composition root shared by the Electron shell, web mode and tests. It wires the
 * domain services together and never imports Electron.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  const logger = options.logger ?? createLogger()
  const clock = options.clock ?? systemClock
  const startedAt = clock.now()
  mkdirSync(options.dataDir, { recursive: true })

  const events = new EventBus((error) => logger.error('event listener failed', { error }))
  const settings = new SettingsStore(options.dataDir, logger.child('settings'))
  await settings.load()
  settings.onChange((next) => events.emit('settings.changed', next))

  const warnings = (): string[] => [...settings.warnings]

  const handlers: Handlers = {
    ...appHandlers(() => ({
      name: 'ESP32 IoT Control Center',
      version: options.version,
      shell: options.shell,
      platform: `${process.platform}-${process.arch}`,
      nodeVersion: process.versions.node,
      dataDir: options.dataDir,
      startedAt,
      warnings: warnings(),
    })),
    ...settingsHandlers(settings),
  }
  const dispatcher = new Dispatcher(handlers, logger.child('rpc'))

  return {
    call: (method, params) => dispatcher.call(method, params),
    events,
    settings,
    close: async () => {
      logger.debug('core closed')
    },
  }
}
