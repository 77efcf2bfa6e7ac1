import { join } from 'node:path'
import { ApiError } from '../../../shared/errors'
import type { Clock } from '../base/clock'
import type { EventBus } from '../base/event-bus'
import type { Logger } from '../base/logger'
import { lanAddresses } from '../broker/lan-addresses'
import { FlasherService, type FlasherServiceOptions } from '../flasher'
import type { MqttCore } from '../mqtt/mqtt-core'
import { ProvisioningService, type ProvisioningServiceOptions } from '../provisioning'
import type { Handlers } from '../rpc/handlers'
import { consoleHandlers } from './console-handlers'
import { flasherHandlers } from './flasher-handlers'
import { installerHandlers } from './installer-handlers'
import { InstallerService } from './installer-service'
import { LocalFirmwareStore } from './local-firmware'
import type { PresenceSource } from './online-waiter'

/** Installer knobs for tests and unusual networks (CoreOptions.installer). */
export interface InstallerOptions {
  /**
   * The broker host written into config.json for the built-in broker. Default: the
   * address the broker is bound to, else this computer's first LAN address. Tests use 127.0.0.1.
   */
  advertisedHost?: string
  /** How long a freshly installed board may take to say online (default 90 s). */
  onlineTimeoutMs?: number
  /** How long MicroPython may take to show its REPL after flashing (default 20 s). */
  replWaitMs?: number
  flasher?: Partial<Omit<FlasherServiceOptions, 'dataDir' | 'logger' | 'clock'>>
  provisioning?: Pick<ProvisioningServiceOptions, 'repl' | 'uploader' | 'openLink'>
}

export interface InstallerDeps {
  dataDir: string
  /** The firmware folder copied onto boards (repo firmware/, or resources/firmware when packaged). */
  firmwareDir: string
  clock: Clock
  logger: Logger
  events: EventBus
  presence: PresenceSource
  /** Per-device OTA_KEYs: the installer writes the board's into its secrets.py. */
  otaKeys?: { ensure(deviceId: string): Promise<string> }
  mqtt: MqttCore
  prefix: () => string
  options?: InstallerOptions
}

export type InstallerMethodName =
  | keyof ReturnType<typeof flasherHandlers>
  | keyof ReturnType<typeof consoleHandlers>
  | keyof ReturnType<typeof installerHandlers>

export interface Installer {
  readonly flasher: FlasherService
  readonly provisioning: ProvisioningService
  readonly service: InstallerService
  readonly handlers: Pick<Handlers, InstallerMethodName>
  close(): Promise<void>
}

/** Flasher + provisioning + the installer on top, their handlers and their events. */
export function createInstaller(deps: InstallerDeps): Installer {
  const { clock, logger, events, mqtt } = deps
  const options = deps.options ?? {}
  const onlineTimeoutMs = options.onlineTimeoutMs ?? 90_000
  const flasher = new FlasherService({
    dataDir: deps.dataDir,
    clock,
    logger: logger.child('flasher'),
    ...options.flasher,
  })
  const provisioning = new ProvisioningService({
    firmwareDir: deps.firmwareDir,
    clock,
    logger: logger.child('provisioning'),
    ...options.provisioning,
    // The installer ends the watching once the board is online (or gives up).
    provisioner: { observeMs: onlineTimeoutMs + 5000 },
  })
  const localFirmware = new LocalFirmwareStore({
    dir: join(deps.dataDir, 'firmware', 'local'),
    clock,
  })
  const service = new InstallerService({
    flasher,
    provisioning,
    localFirmware,
    presence: deps.presence,
    ...(deps.otaKeys ? { otaKeys: deps.otaKeys } : {}),
    prefix: deps.prefix,
    clock,
    logger,
    onlineTimeoutMs,
    ...(options.replWaitMs !== undefined ? { replWaitMs: options.replWaitMs } : {}),
    broker: {
      endpoint: () => {
        const broker = mqtt.broker
        if (!broker?.running) return null
        return {
          host: advertisedHost(broker.status().listeners, options.advertisedHost),
          port: broker.tcpPort,
        }
      },
      issueDeviceCredentials: (deviceId, options) => mqtt.issueDeviceCredentials(deviceId, options),
    },
  })

  flasher.on('ports-changed', (change) => events.emit('ports.changed', change))
  flasher.on('download-progress', (progress) => events.emit('firmware.downloadProgress', progress))
  provisioning.on('serial.data', (data) => events.emit('serial.data', data))
  provisioning.on('serial.closed', (closed) => events.emit('serial.closed', closed))
  service.on('progress', (progress) => events.emit('installer.progress', progress))

  const flasherMap = flasherHandlers(flasher, localFirmware)
  return {
    flasher,
    provisioning,
    service,
    handlers: {
      ...flasherMap,
      // Listing ports also starts hot-plug watching, so ports.changed follows.
      'flasher.listPorts': () => flasher.watchPorts(),
      ...consoleHandlers(provisioning),
      ...installerHandlers(service),
    },
    close: async () => {
      await service.close()
      flasher.close()
      await provisioning.close()
      await localFirmware.close()
    },
  }
}

function advertisedHost(
  listeners: ReadonlyArray<{ kind: string; host: string }>,
  override: string | undefined,
): string {
  if (override) return override
  const bound = listeners.find((l) => l.kind === 'tcp')?.host
  if (bound && bound !== '0.0.0.0' && bound !== '::') return bound
  const lan = lanAddresses()[0]
  if (!lan) {
    throw new ApiError(
      'UNAVAILABLE',
      'This computer has no network address the board could reach: connect it to your Wi-Fi or LAN first.',
    )
  }
  return lan
}
