import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { MqttMessage } from '../../shared/mqtt-message'
import { appHandlers } from './app/app-handlers'
import { applyPendingRestore } from './backup/restore'
import { systemClock } from './base/clock'
import { acquireDataLock, type DataLock } from './base/data-lock'
import { EventBus } from './base/event-bus'
import { createLogger } from './base/logger'
import { DeviceRegistry } from './devices/device-registry'
import { devicesHandlers } from './devices/devices-handlers'
import { ingestHandlers } from './ingest/ingest-handlers'
import { Ingestor } from './ingest/ingestor'
import { TopicMappingStore } from './ingest/topic-mappings'
import { createIntegrations } from './integrations/create-integrations'
import { brokerHandlers } from './broker/broker-handlers'
import { standaloneCluster } from './cluster/cluster-config'
import { ingestRoute } from './cluster/cluster-topics'
import { startCluster } from './cluster/create-cluster'
import { viewGuards } from './cluster/view-guards'
import { MqttCore } from './mqtt/mqtt-core'
import { mqttHandlers } from './mqtt/mqtt-handlers'
import { createOta } from './ota/create-ota'
import { simulatorHandlers } from './simulator/simulator-handlers'
import { createInstaller } from './installer/create-installer'
import { readingsHandlers } from './readings/readings-handlers'
import { createHistoryStore } from './readings/create-history-store'
import type { Core, CoreOptions } from './core-types'
import { ReadingsStore } from './readings/readings-store'
import { Dispatcher } from './rpc/dispatcher'
import type { Handlers } from './rpc/handlers'
import { settingsHandlers } from './settings/settings-handlers'
import { SettingsStore } from './settings/settings-store'

export type { Core, CoreOptions } from './core-types'

/**
 * Composition root shared by the Electron shell, web mode and tests. It wires the
 * domain services together and never imports Electron. Throws DataDirLockedError when
 * another running core (desktop app or web mode, any process) has the data folder.
 */
export async function createCore(options: CoreOptions): Promise<Core> {
  mkdirSync(options.dataDir, { recursive: true })
  // First: nothing reads or writes the folder while another instance has it.
  const lock = acquireDataLock(options.dataDir, `${options.shell} ${options.version}`)
  try {
    return await startCore(options, lock)
  } catch (error) {
    lock.release()
    throw error
  }
}

async function startCore(options: CoreOptions, lock: DataLock): Promise<Core> {
  const logger = options.logger ?? createLogger()
  const clock = options.clock ?? systemClock
  const startedAt = clock.now()
  // A restore staged by backup.restore replaces the data folder before anything opens it.
  const restored = applyPendingRestore(options.dataDir, logger.child('backup'), clock.now())

  const events = new EventBus((error) => logger.error('event listener failed', { error }))
  const settings = new SettingsStore(options.dataDir, logger.child('settings'))
  await settings.load()
  settings.onChange((next) => events.emit('settings.changed', next))

  const readings = new ReadingsStore({
    dataDir: options.dataDir,
    clock,
    logger: logger.child('readings'),
    retentionDays: () => settings.get().storage.retentionDays,
    minuteRetentionDays: () => settings.get().storage.minuteRetentionDays,
    hourRetentionDays: () => settings.get().storage.hourRetentionDays,
  })
  const history = createHistoryStore({
    dataDir: options.dataDir,
    clock,
    logger: logger.child('history'),
    settings: () => settings.get(),
    overrides: options.history,
    sqlite: readings,
    secrets: options.secrets,
  })
  const devices = new DeviceRegistry({
    dataDir: options.dataDir,
    clock,
    logger: logger.child('devices'),
    offlineAfterS: () => settings.get().devices.offlineAfterS,
  })
  await devices.load()
  const cluster = startCluster({
    config: options.cluster ?? standaloneCluster(),
    url: options.mqtt?.externalUrl,
    prefix: settings.get().devices.prefix,
    clock,
    logger: logger.child('cluster'),
    store: history,
  })
  const mappings = new TopicMappingStore(options.dataDir, logger.child('mappings'))
  await mappings.load()
  const ingestor = new Ingestor({
    mappings: mappings.byTopic,
    registry: devices,
    store: history,
    clock,
    logger: logger.child('ingest'),
    emit: (event, payload) => events.emit(event, payload),
    prefix: () => settings.get().devices.prefix,
    extraShed: () => ({ topicsEvicted: mqtt.topics.evicted }),
    route: ingestRoute(cluster.config, () => settings.get().devices.prefix),
    tally: cluster.tally,
  })
  let retention = JSON.stringify(settings.get().storage)
  settings.onChange((next) => {
    // Retention (any tier) and the offline timeout are read on use; apply a change right away.
    if (JSON.stringify(next.storage) !== retention) {
      retention = JSON.stringify(next.storage)
      readings.prune()
    }
    devices.sweep()
  })

  const { backoff, keepaliveS, ...overrides } = options.mqtt ?? {}
  const mqtt = new MqttCore({
    dataDir: options.dataDir,
    clock,
    logger: logger.child('mqtt'),
    settings: () => settings.get(),
    onMessage: (message) => ingest(message),
    admit: (release) => ingestor.admit(release),
    emit: (event, payload) => events.emit(event, payload),
    overrides,
    cluster: cluster.config,
    backoff,
    keepaliveS,
    secrets: options.secrets,
  })
  // Broker settings (port, TLS, WebSocket, loopback anonymity) take effect without a restart.
  settings.onChange(() => {
    mqtt
      .applySettings()
      .catch((error: unknown) => logger.error('broker reconfiguration failed', { error }))
  })

  const integrations = await createIntegrations({
    dataDir: options.dataDir,
    shell: options.shell,
    appVersion: options.version,
    clock,
    logger,
    events,
    settings,
    devices,
    readings,
    history: history.kind === 'influx' ? history : undefined,
    storedReadings: (listener, active) => ingestor.onStored(listener, active),
    mqtt: {
      connections: () => mqtt.connections.list(),
      publish: (id, topic, payload, opts) =>
        mqtt.connections.publish(id, topic, Buffer.from(payload), opts),
      broker: () => (mqtt.broker?.running ? mqtt.broker : null),
    },
    dialogs: options.dialogs,
    alerts: cluster.alerts,
    secrets: options.secrets,
  })

  const warnings = (): string[] => [
    ...(restored ? [restored] : []),
    ...settings.warnings,
    ...devices.warnings,
    ...history.warnings,
    ...integrations.warnings(),
    ...mqtt.warnings,
    ...mqtt.credentials.warnings,
    ...mqtt.connections.warnings,
    ...ota.warnings(),
    ...cluster.warnings(history.kind),
  ]

  const firmwareDir = options.firmwareDir ?? join(process.cwd(), 'firmware')
  const ota = await createOta({
    dataDir: options.dataDir,
    firmwareDir,
    clock,
    logger,
    events,
    devices,
    mqtt,
    prefix: () => settings.get().devices.prefix,
    options: options.ota,
  })
  const installer = createInstaller({
    dataDir: options.dataDir,
    firmwareDir,
    clock,
    logger,
    events,
    presence: devices,
    otaKeys: ota.keys,
    mqtt,
    prefix: () => settings.get().devices.prefix,
    options: options.installer,
  })

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
      historyStore: history.kind,
    })),
    ...settingsHandlers(settings),
    ...devicesHandlers(devices, history),
    ...readingsHandlers(history),
    ...ingestHandlers(ingestor, mappings),
    ...integrations.handlers,
    ...brokerHandlers(mqtt, options.dataDir),
    ...mqttHandlers(mqtt),
    ...simulatorHandlers(mqtt.simulator),
    ...installer.handlers,
    ...ota.handlers,
    // Last: what a `view` instance refuses overrides the handlers above.
    ...viewGuards(cluster.config),
  }
  const dispatcher = new Dispatcher(handlers, logger.child('rpc'))
  const ingest = (message: MqttMessage): void => {
    integrations.tap(message)
    ota.service.handleMessage(message)
    ingestor.ingest(message)
  }
  // Last: from here on messages flow into ingestion.
  await mqtt.start()

  return {
    call: (method, params) => dispatcher.call(method, params),
    events,
    settings,
    devices,
    readings,
    history,
    ingestor,
    ingest,
    integrations,
    mqtt,
    installer: installer.service,
    cluster,
    close: async () => {
      try {
        ota.close()
        await installer.close()
        await cluster.close()
        await mqtt.close()
        ingestor.close()
        await integrations.close()
        await devices.close()
        await history.close()
        readings.close()
      } finally {
        // Last, and even when a service fails to close: the folder is free for the next start.
        lock.release()
      }
      logger.debug('core closed')
    },
  }
}
