import { EventEmitter } from 'node:events'
import {
  InstallRequest,
  type ChipInfo,
  type InstallProgress,
  type InstallResult,
  type InstallStage,
} from '../../../shared/contract/installer'
import { ApiError } from '../../../shared/errors'
import { systemClock, type Clock } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import type { FlasherService } from '../flasher'
import { defaultDeviceId, Redactor, type ProvisioningService } from '../provisioning'
import { resolveBroker, type BrokerAccess } from './broker-target'
import { detectChip, flashImage, prepareImage } from './flash-step'
import { InstallMeter } from './install-progress'
import type { LocalFirmwareStore } from './local-firmware'
import type { PresenceSource } from './online-waiter'
import { provisionAndWait } from './provision-step'

export interface InstallerServiceOptions {
  flasher: FlasherService
  provisioning: ProvisioningService
  localFirmware: LocalFirmwareStore
  /** The device registry: the install ends when it shows the board online. */
  presence: PresenceSource
  /** The embedded broker as devices on the LAN reach it, and its per-device accounts. */
  broker: BrokerAccess
  /** settings.devices.prefix */
  prefix: () => string
  /** The board's OTA_KEY (made on its first install), written into secrets.py. */
  otaKeys?: { ensure(deviceId: string): Promise<string> }
  clock?: Clock
  logger?: Logger
  /** Default 90 s. */
  onlineTimeoutMs?: number
  /** How long to wait for MicroPython's REPL after flashing (default 20 s). */
  replWaitMs?: number
}

export interface InstallerServiceEvents {
  progress: [InstallProgress]
}

/**
 * The one-click installer: detect → download/import → validate against the chip →
 * flash (optional erase, MD5-verified) → wait for MicroPython → copy firmware/ and the
 * settings (broker host, per-device credentials) → soft reset → wait until the board is
 * online. One install per port; `cancel(port)` stops it at any stage. Passwords go in and
 * never come out: every message leaving here passes a redactor first.
 */
export class InstallerService extends EventEmitter<InstallerServiceEvents> {
  private readonly running = new Map<string, { abort: AbortController; meter: InstallMeter }>()
  private readonly clock: Clock
  private readonly logger: Logger

  constructor(private readonly options: InstallerServiceOptions) {
    super()
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
  }

  async run(raw: InstallRequest): Promise<InstallResult> {
    const request = InstallRequest.parse(raw)
    const { port } = request
    if (this.running.has(port)) {
      throw new ApiError('CONFLICT', `An installation is already running on ${port}.`)
    }
    const secrets = [
      request.wifi.password,
      request.broker.kind === 'external' ? (request.broker.password ?? '') : '',
    ]
    let redactor = new Redactor(secrets.filter(Boolean))
    const keep = 'keep' in request.firmware
    const skipped = new Set<InstallStage>(
      keep ? ['detect', 'download', 'erase', 'write', 'verify'] : [],
    )
    if (!keep && !('catalogId' in request.firmware)) skipped.add('download')
    if (!request.eraseAll) skipped.add('erase')
    const meter = new InstallMeter(port, skipped, this.clock, (p) =>
      this.emit('progress', redactor.deep(p)),
    )
    const abort = new AbortController()
    this.running.set(port, { abort, meter })
    const started = this.clock.now()
    const signal = abort.signal
    const logger = this.logger.child('installer')
    try {
      let chip: ChipInfo | null = null
      let mac = ''
      if (!('keep' in request.firmware)) {
        const deps = {
          flasher: this.options.flasher,
          localFirmware: this.options.localFirmware,
          meter,
          signal,
        }
        // A console left open would hold the port the bootloader must use.
        await this.options.provisioning.releasePort(port)
        chip = await detectChip(port, deps)
        mac = chip.mac
        const image = await prepareImage(request.firmware, chip, deps)
        this.checkCancelled(signal)
        await flashImage(request, image, deps)
      }
      this.checkCancelled(signal)
      if (!mac && !request.device.id) {
        // Kept MicroPython: no bootloader session, so ask MicroPython for the MAC, and the
        // board gets the same MAC-derived id as on a first install.
        meter.stage('upload', { percent: 0, message: 'Reading the board’s MAC' })
        mac = formatMac((await this.options.provisioning.boardInfo(port)).mac)
      }
      const deviceId = request.device.id ?? (mac ? defaultDeviceId(mac) : '')
      if (!deviceId) {
        throw new ApiError('BAD_INPUT', 'The board did not tell its MAC: enter a device id.')
      }
      meter.deviceId = deviceId
      const legacyTopic = request.legacyTopic ?? null
      const target = await resolveBroker(request.broker, deviceId, this.options.broker, legacyTopic)
      const otaKey = await this.options.otaKeys?.ensure(deviceId)
      // The broker password issued just now and the update key are secrets too.
      redactor = new Redactor(
        [...secrets, target.mqtt.password ?? '', otaKey ?? ''].filter(Boolean),
      )
      const result = await provisionAndWait(
        port,
        {
          deviceName: request.device.name,
          deviceId,
          prefix: this.options.prefix(),
          wifi: request.wifi,
          mqtt: target.mqtt,
          sensor: request.sensor,
          report: request.report ?? {},
          legacyTopic,
          haDiscovery: request.haDiscovery ?? false,
          ...(otaKey ? { otaKey } : {}),
        },
        { host: target.mqtt.host, port: target.mqtt.port },
        {
          provisioning: this.options.provisioning,
          presence: this.options.presence,
          meter,
          clock: this.clock,
          logger,
          signal,
          replWaitMs: this.options.replWaitMs ?? 20_000,
          onlineTimeoutMs: this.options.onlineTimeoutMs ?? 90_000,
        },
      )
      meter.done(`${request.device.name} (${deviceId}) is installed and online`)
      logger.info('installed', { port, deviceId, chip: chip?.chip ?? null })
      return {
        deviceId,
        chip: chip?.chip ?? null,
        mac: mac || formatMac(result.mac),
        brokerHost: target.mqtt.host,
        brokerPort: target.mqtt.port,
        online: true,
        durationsMs: { ...meter.durationsMs },
        totalMs: this.clock.now() - started,
      }
    } catch (error) {
      const failure = describeFailure(error, signal.aborted, redactor)
      meter.failed(failure.message, failure.failure, failure.hint)
      logger.warn('installation failed', {
        port,
        failure: failure.failure,
        message: failure.message,
      })
      const text = failure.hint ? `${failure.message} ${failure.hint}` : failure.message
      throw new ApiError(failure.code, text)
    } finally {
      this.running.delete(port)
    }
  }

  /** Stops the install on `port` at whatever stage; false when none runs. */
  cancel(port: string): boolean {
    const job = this.running.get(port)
    if (!job) return false
    job.abort.abort()
    return true
  }

  /** The built-in broker's address as written onto boards; null when boards could not reach it. */
  brokerAddress(): { host: string; port: number } | null {
    try {
      return this.options.broker.endpoint()
    } catch {
      return null // no LAN address: the installer itself says so when it runs
    }
  }

  /** Latest progress of every running install. */
  active(): InstallProgress[] {
    return [...this.running.values()].flatMap((job) => (job.meter.latest ? [job.meter.latest] : []))
  }

  async close(): Promise<void> {
    for (const port of this.running.keys()) this.cancel(port)
    this.removeAllListeners()
  }

  private checkCancelled(signal: AbortSignal): void {
    if (signal.aborted) throw new ApiError('CANCELLED', 'Installation cancelled.')
  }
}

interface Failure {
  code: ApiError['code']
  message: string
  failure: string
  hint?: string
}

function describeFailure(error: unknown, cancelled: boolean, redactor: Redactor): Failure {
  if (cancelled)
    return { code: 'CANCELLED', message: 'Installation cancelled.', failure: 'CANCELLED' }
  const extra = error as { failure?: unknown; hint?: unknown }
  const hint = typeof extra.hint === 'string' ? redactor.text(extra.hint) : undefined
  const failure = typeof extra.failure === 'string' ? extra.failure : 'ERROR'
  if (error instanceof ApiError) {
    return {
      code: error.code,
      message: redactor.text(error.message),
      failure,
      ...(hint ? { hint } : {}),
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'INTERNAL', message: redactor.text(message), failure, ...(hint ? { hint } : {}) }
}

/** "240ac4a1b2c3" → "24:0a:c4:a1:b2:c3" (the provisioner reports bare hex). */
function formatMac(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toLowerCase()
  return clean.length === 12 ? (clean.match(/../g) ?? []).join(':') : hex
}
