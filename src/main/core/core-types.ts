/**
 * What createCore takes and gives: the core's options (shells, web-mode flags, test knobs)
 * and the running core the shells and tests hold.
 */
import type { CallOutcome } from '../../shared/api'
import type { MqttMessage } from '../../shared/mqtt-message'
import type { Clock } from './base/clock'
import type { EventBus } from './base/event-bus'
import type { Logger } from './base/logger'
import type { SecretCodec } from './base/secret-box'
import type { ClusterConfig } from './cluster/cluster-config'
import type { ClusterRuntime } from './cluster/create-cluster'
import type { DeviceRegistry } from './devices/device-registry'
import type { Ingestor } from './ingest/ingestor'
import type { InstallerOptions } from './installer/create-installer'
import type { InstallerService } from './installer/installer-service'
import type { Integrations } from './integrations/create-integrations'
import type { FileDialogs } from './integrations/file-dialogs'
import type { MqttCore, MqttCoreOptions, MqttOverrides } from './mqtt/mqtt-core'
import type { OtaDeps } from './ota/create-ota'
import type { HistoryOverrides } from './readings/history-choice'
import type { HistoryStore } from './readings/history-store'
import type { ReadingsStore } from './readings/readings-store'
import type { SettingsStore } from './settings/settings-store'

export interface CoreOptions {
  dataDir: string
  shell: 'electron' | 'web'
  version: string
  logger?: Logger
  clock?: Clock
  /** Native save/open dialogs (Electron shell only): export and backup use them. */
  dialogs?: FileDialogs
  /** Seals secrets at rest (Electron shell: safeStorage); default plain, in 0600 files. */
  secrets?: SecretCodec
  /** Broker / MQTT command-line overrides (web mode flags) and test knobs. */
  mqtt?: MqttOverrides & Pick<MqttCoreOptions, 'backoff' | 'keepaliveS'>
  /**
   * The MicroPython app the installer copies onto boards: <repo>/firmware in dev and web
   * mode, process.resourcesPath/firmware in the packaged app (electron-builder extraResources).
   * Default: ./firmware under the working directory.
   */
  firmwareDir?: string
  /** Installer knobs (advertised broker host, timeouts) for tests and unusual networks. */
  installer?: InstallerOptions
  /** Over-the-air update knobs (resend and confirmation timeouts) for tests. */
  ota?: OtaDeps['options']
  /** Role among several instances on one broker (`serve --role`); default `all`. */
  cluster?: ClusterConfig
  /** History store flags (`serve --history influx --influx-url …`); they win over settings. */
  history?: HistoryOverrides
}

/** The running core: one dispatcher for calls, one bus for events, one close(). */
export interface Core {
  call(method: unknown, params: unknown): Promise<CallOutcome>
  readonly events: EventBus
  readonly settings: SettingsStore
  /** Every device heard of (registry of ours and foreign devices). */
  readonly devices: DeviceRegistry
  /** Stored readings (SQLite). */
  readonly readings: ReadingsStore
  /** Where history is written and read: `readings` (default) or InfluxDB (settings.history). */
  readonly history: HistoryStore
  readonly ingestor: Ingestor
  /** Hand one received MQTT message to ingestion (parse → registry + store → UI events). Never throws. */
  ingest(message: MqttMessage): void
  /** Alerts, export, InfluxDB, Home Assistant, TIG kit, backups (exporter serves GET /export.csv). */
  readonly integrations: Integrations
  /** Embedded broker, the app's MQTT connections, topic explorer, commands, simulator. */
  readonly mqtt: MqttCore
  /** One-click installer (flasher + provisioning + wait for online). */
  readonly installer: InstallerService
  /** This instance's role among several on one broker, and its leader election. */
  readonly cluster: ClusterRuntime
  close(): Promise<void>
}
