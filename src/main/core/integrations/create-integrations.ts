/**
 * Alerts, export, InfluxDB forwarding, Home Assistant discovery, the TIG kit and backups,
 * wired to the core's event bus and stores. One call from create-core; everything here
 * reacts to the same contract events the UI sees (device.updated, …), and alerts and InfluxDB
 * take every stored reading from the ingestor (not the UI's bounded readings.batch).
 */
import type { alertsMethods } from '../../../shared/contract/alerts'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { backupMethods } from '../../../shared/contract/backup'
import type { exportMethods } from '../../../shared/contract/export'
import type { integrationsMethods } from '../../../shared/contract/integrations'
import { AlertService, type AlertServiceOptions } from '../alerts/alert-service'
import { alertsHandlers } from '../alerts/alerts-handlers'
import { BackupService } from '../backup/backup-service'
import { backupHandlers } from '../backup/backup-handlers'
import type { Clock } from '../base/clock'
import type { EventBus } from '../base/event-bus'
import type { Logger } from '../base/logger'
import type { SecretCodec } from '../base/secret-box'
import type { DeviceRegistry } from '../devices/device-registry'
import { exportHandlers } from '../export/export-handlers'
import { ExportService, type ReadingsCursor } from '../export/export-service'
import { InfluxClient } from '../influx/influx-client'
import { InfluxForwarder } from '../influx/influx-forwarder'
import { readingsToLines } from '../influx/line-protocol'
import type { ReadingsStore } from '../readings/readings-store'
import type { HandlerMap } from '../rpc/handlers'
import type { SettingsStore } from '../settings/settings-store'
import type { FileDialogs } from './file-dialogs'
import { HaDiscovery } from './ha-discovery'
import { integrationsHandlers } from './integrations-handlers'
import { IntegrationsStore } from './integrations-store'
import { MqttTarget } from './mqtt-target'
import type { AppMqtt, MessageTap, MqttPublisher } from './mqtt-port'
import { tigKit, type RunningBroker } from './tig-kit'

type OwnMethods =
  | keyof typeof alertsMethods
  | keyof typeof exportMethods
  | keyof typeof integrationsMethods
  | keyof typeof backupMethods

export interface IntegrationsDeps {
  dataDir: string
  shell: 'electron' | 'web'
  appVersion: string
  clock: Clock
  logger: Logger
  events: EventBus
  settings: SettingsStore
  devices: DeviceRegistry
  readings: ReadingsStore
  /** Where export reads when history is not in `readings` (InfluxDB as the history store). */
  history?: ReadingsCursor
  /** Every stored reading, uncoalesced (Ingestor.onStored): InfluxDB forwarding loses nothing. */
  storedReadings: (
    listener: (points: readonly ReadingPoint[]) => void,
    active: () => boolean,
  ) => () => void
  /** The app's MQTT connections (alert states, HA discovery) and the embedded broker (TIG kit). */
  mqtt: AppMqtt
  /** Native dialogs (Electron only). */
  dialogs?: FileDialogs
  /** Extra data-folder subfolders to include in backups (e.g. broker persistence). */
  backupDirs?: readonly string[]
  /** Roles (cluster/): who delivers alerts, and whether this instance evaluates them at all. */
  alerts?: Pick<AlertServiceOptions, 'gate' | 'evaluate'>
  /** Seals the InfluxDB and webhook secrets at rest (see base/secret-box.ts). */
  secrets?: SecretCodec
}

export interface Integrations {
  handlers: HandlerMap<OwnMethods>
  alerts: AlertService
  exporter: ExportService
  forwarder: InfluxForwarder
  ha: HaDiscovery
  backup: BackupService
  /** Give it every message the app's MQTT client receives (HA birth message). */
  tap: MessageTap
  warnings(): string[]
  close(): Promise<void>
}

export async function createIntegrations(d: IntegrationsDeps): Promise<Integrations> {
  const { clock, events, settings, devices, readings } = d
  const store = new IntegrationsStore(
    d.dataDir,
    d.logger.child('integrations'),
    () => clock.now(),
    d.secrets,
  )
  await store.load()
  const target = new MqttTarget({
    mqtt: d.mqtt,
    logger: d.logger.child('mqtt-target'),
    chosen: () => store.mqttTarget().connectionId,
    embeddedEnabled: () => settings.get().broker.embedded,
    devices: () => devices.list(),
  })
  const publisher = (): MqttPublisher | null => target.publisher()

  const forwarder = new InfluxForwarder({
    dataDir: d.dataDir,
    clock,
    logger: d.logger.child('influx'),
    config: () => store.influxTarget(),
    onStatus: (status) => events.emit('integrations.influxStatusChanged', status),
  })
  const alerts = new AlertService({
    dataDir: d.dataDir,
    clock,
    logger: d.logger.child('alerts'),
    emit: (event, payload) => events.emit(event, payload),
    devices,
    mqtt: publisher,
    prefix: () => settings.get().devices.prefix,
    units: () => settings.get().ui.units,
    offlineAfterMs: () => settings.get().devices.offlineAfterS * 1000,
    onIncident: (incident, reason) => forwarder.addAlert(incident, reason),
    secrets: d.secrets,
    ...d.alerts,
  })
  await alerts.start()
  const ha = new HaDiscovery({
    clock,
    logger: d.logger.child('homeassistant'),
    config: () => store.homeAssistant(),
    devices: () => devices.list(),
    prefix: () => settings.get().devices.prefix,
    mqtt: publisher,
    appVersion: d.appVersion,
  })
  const exporter = new ExportService({
    readings: d.history ?? readings,
    deviceName: (id) => (devices.has(id) ? devices.get(id).name : undefined),
    clock,
    logger: d.logger.child('export'),
  })
  const backup = new BackupService({
    dataDir: d.dataDir,
    clock,
    logger: d.logger.child('backup'),
    appVersion: d.appVersion,
    dirs: d.backupDirs,
    beforeSnapshot: async () => {
      readings.flush()
      await devices.save()
    },
  })

  let haConfig = store.homeAssistant()
  let targetId = target.resolve()
  const connected = new Set<string>()
  const offs = [
    events.on('connection.changed', (connection) => {
      const isUp = connection.state.status === 'connected'
      const wasUp = connected.has(connection.id)
      if (isUp) connected.add(connection.id)
      else connected.delete(connection.id)
      const before = targetId
      targetId = target.resolve()
      // The automatic target changed, or a connection holding old messages came back.
      if (targetId !== before || (isUp && !wasUp)) void target.retarget()
      // The target (re)connected and may have lost its retained messages: announce again.
      if (isUp && !wasUp && connection.id === targetId && store.homeAssistant().enabled) {
        void ha.publishAll(true)
      }
    }),
    // Every stored reading, not the UI's bounded batches: a flood must not hide a crossing.
    d.storedReadings(
      (points) => alerts.onReadings(points),
      () => true,
    ),
    d.storedReadings(
      (points) => forwarder.addReadings(points),
      () => store.influxTarget() !== null,
    ),
    events.on('device.updated', (device) => {
      alerts.onDevice(device)
      ha.onDevice(device)
    }),
    events.on('device.removed', ({ id }) => {
      alerts.onDeviceRemoved(id)
      void ha.onDeviceRemoved(id)
    }),
    store.onChange((view) => {
      forwarder.reconfigure()
      if (target.resolve() !== targetId) {
        targetId = target.resolve()
        void target.retarget()
      }
      const before = haConfig
      haConfig = view.homeAssistant
      if (
        before.enabled &&
        (!haConfig.enabled || before.discoveryPrefix !== haConfig.discoveryPrefix)
      ) {
        void ha.unpublishAll().then(async () => {
          if (haConfig.enabled) await ha.publishAll(true)
        })
      } else if (!before.enabled && haConfig.enabled) void ha.publishAll(true)
      events.emit('integrations.changed', view)
    }),
  ]
  if (haConfig.enabled) void ha.publishAll(false)

  const handlers: HandlerMap<OwnMethods> = {
    ...alertsHandlers(alerts),
    ...exportHandlers(exporter, d.shell, d.dialogs),
    ...backupHandlers(backup, d.shell, d.dialogs),
    ...integrationsHandlers({
      store,
      forwarder,
      ha,
      target,
      mapping: () => {
        const target = store.influxSaved()
        return {
          measurement: target.measurement,
          tags: [
            {
              key: 'device',
              meaning: 'device id (e.g. esp32-a1b2c3); names can change, ids do not',
            },
          ],
          fields: [
            { key: 'temperature', meaning: '°C, float' },
            { key: 'humidity', meaning: '%RH, float' },
            { key: '<metric>', meaning: 'any other metric a device reports, float' },
          ],
          time: 'when the reading was taken (device time if its clock is set), millisecond precision',
          example: readingsToLines(readings.latest(), target.measurement).slice(0, 5),
        }
      },
      testInflux: () =>
        new InfluxClient(store.influxSaved()).check(store.influxSaved().createDatabase),
      tigKit: (brokerHost) =>
        tigKit({
          appVersion: d.appVersion,
          now: clock.now(),
          settings: settings.get(),
          devices: devices.list(),
          influx: store.influxSaved(),
          broker: runningBroker(d.mqtt),
          brokerHost,
        }),
    }),
  }

  return {
    handlers,
    alerts,
    exporter,
    forwarder,
    ha,
    backup,
    tap: (message) => ha.onMessage(message),
    warnings: () => [...store.warnings, ...alerts.warnings],
    close: async () => {
      for (const off of offs) off()
      await alerts.close()
      await forwarder.close()
    },
  }
}

function runningBroker(mqtt: AppMqtt): RunningBroker | null {
  const broker = mqtt.broker()
  if (!broker) return null
  const { listeners, lanAddresses } = broker.status()
  const caPem = listeners.some((l) => l.tls) ? broker.ensureTls().caPem : null
  return { listeners, lanAddresses, caPem }
}
