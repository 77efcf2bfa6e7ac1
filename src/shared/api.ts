/**
 * The one contract between the core and every UI (Electron IPC, WebSocket JSON-RPC,
 * in-process for tests). Each domain declares its methods and events in
 * `contract/<domain>.ts`; this file merges them. Types come from the zod schemas.
 */
import type { z } from 'zod'
import { appEvents, appMethods } from './contract/app'
import { settingsEvents, settingsMethods } from './contract/settings'
import { devicesEvents, devicesMethods } from './contract/devices'
import { readingsEvents, readingsMethods } from './contract/readings'
import { ingestEvents, ingestMethods } from './contract/ingest'
import { alertsEvents, alertsMethods } from './contract/alerts'
import { exportEvents, exportMethods } from './contract/export'
import { integrationsEvents, integrationsMethods } from './contract/integrations'
import { backupEvents, backupMethods } from './contract/backup'
import { brokerEvents, brokerMethods } from './contract/broker'
import { connectionsEvents, connectionsMethods } from './contract/connections'
import { simulatorEvents, simulatorMethods } from './contract/simulator'
import { flasherEvents, flasherMethods } from './contract/flasher'
import { consoleEvents, consoleMethods } from './contract/console'
import { installerEvents, installerMethods } from './contract/installer'
import { otaEvents, otaMethods } from './contract/ota'

export const methods = {
  ...appMethods,
  ...settingsMethods,
  ...devicesMethods,
  ...readingsMethods,
  ...ingestMethods,
  ...alertsMethods,
  ...exportMethods,
  ...integrationsMethods,
  ...backupMethods,
  ...brokerMethods,
  ...connectionsMethods,
  ...simulatorMethods,
  ...flasherMethods,
  ...consoleMethods,
  ...installerMethods,
  ...otaMethods,
}

export const events = {
  ...appEvents,
  ...settingsEvents,
  ...devicesEvents,
  ...readingsEvents,
  ...ingestEvents,
  ...alertsEvents,
  ...exportEvents,
  ...integrationsEvents,
  ...backupEvents,
  ...brokerEvents,
  ...connectionsEvents,
  ...simulatorEvents,
  ...flasherEvents,
  ...consoleEvents,
  ...installerEvents,
  ...otaEvents,
}

export type Methods = typeof methods
export type MethodName = keyof Methods
export type EventName = keyof typeof events

/** What a caller passes (defaults may be omitted). */
export type MethodParams<M extends MethodName> = z.input<Methods[M]['input']>
/** What a handler receives after validation (defaults filled in). */
export type HandlerParams<M extends MethodName> = z.output<Methods[M]['input']>
/** What a caller gets back. */
export type MethodResult<M extends MethodName> = z.output<Methods[M]['output']>
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

export const methodNames = Object.keys(methods) as MethodName[]
export const eventNames = Object.keys(events) as EventName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name)
}

/** The renderer's only view of the core, whatever the transport. */
export interface ApiClient {
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}

/**
 * Methods that legitimately run for minutes (flashing, downloads, backups, waiting for a
 * board to come online): progress arrives as events, so clients must not time them out.
 */
export const LONG_RUNNING_METHODS: ReadonlySet<MethodName> = new Set<MethodName>([
  'installer.run',
  'flasher.detect',
  'firmware.download',
  'firmware.importFinish',
  'backup.create',
  'backup.restore',
  'export.save',
])

/** Names of the two Electron IPC channels: one for calls, one for events. */
export const IPC_CALL_CHANNEL = 'api:call'
export const IPC_EVENT_CHANNEL = 'api:event'

/** Transport envelope for a call result: errors travel as data, never as thrown IPC errors. */
export type CallOutcome =
  { ok: true; result: unknown } | { ok: false; error: import('./errors').ApiErrorShape }
