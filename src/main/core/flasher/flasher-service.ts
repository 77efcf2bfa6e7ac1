import { EventEmitter } from 'node:events'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { systemClock, type Clock } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import { validateFirmware } from './esp-image'
import { FlasherError, vanishedError, type HostPlatform } from './errors'
import { EspSession } from './esptool-session'
import { runFlashJob } from './flash-job'
import { findFirmware, firmwareCatalog } from './firmware-catalog'
import { FirmwareDownloader } from './firmware-downloader'
import { Operation } from './operation'
import { PortWatcher } from './port-watcher'
import { SerialPortScanner } from './serial-ports'
import { BOOTLOADER_OFFSETS } from './types'
import type {
  ChipFamily,
  ChipInfo,
  DownloadProgress,
  DownloadResult,
  FirmwareEntry,
  FlashProgress,
  FlashRequest,
  FlashResult,
  ImageInfo,
  PortInfo,
  PortsChanged,
} from './types'

export interface FlasherEvents {
  /** → contract event `flash.progress` */
  progress: [FlashProgress]
  /** → contract event `ports.changed` */
  'ports-changed': [PortsChanged]
  /** → contract event `firmware.downloadProgress` */
  'download-progress': [DownloadProgress]
}

export interface FlasherServiceOptions {
  /** App data folder; firmware downloads are cached in `<dataDir>/firmware`. */
  dataDir: string
  logger?: Logger
  clock?: Clock
  platform?: HostPlatform
  scanner?: SerialPortScanner
  fetch?: typeof fetch
  /** Mirror of micropython.org/resources/firmware (tests point this at a local server). */
  firmwareBaseUrl?: string
  /** esptool's connect attempts; fewer make "no sync" fail faster (default 7). */
  connectAttempts?: number
  /** Fail a write that makes no progress for this long (default 15 s). */
  stallTimeoutMs?: number
  /** Port hot-plug polling interval (default 1 s). */
  portPollMs?: number
  /** Unplug detection polling while a port is open (default 200 ms). */
  presencePollMs?: number
}

export interface DetectRequest {
  port: string
}

export interface ValidateLocalRequest {
  path: string
  chip?: ChipFamily
  offset?: number
  flashSizeBytes?: number
}

/**
 * The "one-click installer" back end: ports, chip detection, firmware catalog and
 * downloads, and flashing. One device operation runs at a time; `cancel()` stops it.
 */
export class FlasherService extends EventEmitter<FlasherEvents> {
  private readonly scanner: SerialPortScanner
  private readonly downloader: FirmwareDownloader
  private readonly logger: Logger
  private readonly clock: Clock
  private readonly options: FlasherServiceOptions
  private watcher: PortWatcher | null = null
  private current: Operation | null = null

  constructor(options: FlasherServiceOptions) {
    super()
    this.options = options
    this.logger = options.logger ?? silentLogger
    this.clock = options.clock ?? systemClock
    this.scanner =
      options.scanner ?? new SerialPortScanner({ platform: options.platform, logger: this.logger })
    this.downloader = new FirmwareDownloader({
      dataDir: options.dataDir,
      fetch: options.fetch,
      clock: this.clock,
      logger: this.logger,
    })
  }

  /** → `flasher.listPorts` */
  listPorts(): Promise<PortInfo[]> {
    return this.scanner.list()
  }

  /** → `flasher.describePort`: an explicit path (ptys are never listed). */
  describePort(path: string): Promise<PortInfo> {
    return this.scanner.describe(path)
  }

  /** Starts hot-plug polling; `ports-changed` events follow. Returns the current ports. */
  watchPorts(): Promise<PortInfo[]> {
    if (!this.watcher) {
      this.watcher = new PortWatcher(
        this.scanner,
        this.clock,
        this.options.portPollMs ?? 1000,
        this.logger,
      )
      this.watcher.on('changed', (change) => this.emit('ports-changed', change))
    }
    return this.watcher.start()
  }

  stopWatchingPorts(): void {
    this.watcher?.stop()
  }

  /** → `flasher.detect`: sync with the bootloader and read chip, MAC, flash size. */
  async detect(request: DetectRequest, signal?: AbortSignal): Promise<ChipInfo> {
    return this.withSession(request.port, signal, async (session, op) => {
      await op.step(session.connect(115200))
      const chip = await op.step(session.chipInfo())
      chip.flashSizeBytes = await op.step(session.flashSize())
      return chip
    })
  }

  /** → `flasher.flash` (progress as `progress` events). */
  async flash(request: FlashRequest, signal?: AbortSignal): Promise<FlashResult> {
    const image = await this.readImage(request.imagePath)
    return this.withSession(request.port, signal, (session, operation) =>
      runFlashJob({
        session,
        operation,
        request,
        image,
        clock: this.clock,
        logger: this.logger,
        stallTimeoutMs: this.options.stallTimeoutMs ?? 15_000,
        emit: (progress) => this.emit('progress', progress),
      }),
    )
  }

  /** → `flasher.cancel`: stops the running detect/flash; false when nothing runs. */
  cancel(): boolean {
    if (!this.current) return false
    this.current.fail(new FlasherError('CANCELLED', 'Cancelled.'))
    return true
  }

  /** → `firmware.catalog` */
  catalog(chip?: ChipFamily): FirmwareEntry[] {
    return firmwareCatalog({ chip, baseUrl: this.options.firmwareBaseUrl })
  }

  /** → `firmware.download`: a catalog entry into the cache (resumes, reuses offline). */
  async download(
    id: string,
    signal?: AbortSignal,
  ): Promise<DownloadResult & { entry: FirmwareEntry }> {
    const entry = findFirmware(id, this.options.firmwareBaseUrl)
    if (!entry) throw new FlasherError('INVALID_IMAGE', `No firmware "${id}" in the catalog.`)
    const result = await this.downloader.download(entry.url, {
      expectedSha256: entry.sha256,
      signal,
      onProgress: (progress) => this.emit('download-progress', progress),
    })
    return { ...result, entry }
  }

  /** → `firmware.validateLocal`: checks a user-chosen .bin against a chip (if given). */
  async validateLocal(request: ValidateLocalRequest): Promise<ImageInfo> {
    const bytes = await this.readImage(request.path)
    const offset = request.offset ?? (request.chip ? BOOTLOADER_OFFSETS[request.chip] : 0)
    return validateFirmware(bytes, {
      chip: request.chip,
      offset,
      flashSize: request.flashSizeBytes,
    })
  }

  close(): void {
    this.stopWatchingPorts()
    this.cancel()
    this.removeAllListeners()
  }

  private async readImage(path: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(path))
    } catch (error) {
      throw new FlasherError(
        'INVALID_IMAGE',
        `Could not read the firmware file ${path}.`,
        undefined,
        { cause: error },
      )
    }
  }

  private async withSession<T>(
    port: string,
    signal: AbortSignal | undefined,
    body: (session: EspSession, op: Operation) => Promise<T>,
  ): Promise<T> {
    if (this.current)
      throw new FlasherError('PORT_BUSY', 'Another flasher operation is still running.')
    const op = new Operation(this.clock, signal)
    this.current = op
    const listed = await this.scanner.list().then(
      (ports) => ports.find((p) => p.path === port),
      () => undefined,
    )
    const session = new EspSession({
      path: port,
      info:
        listed?.vendorId !== undefined
          ? { usbVendorId: listed.vendorId, usbProductId: listed.productId }
          : {},
      logger: this.logger.child('esptool'),
      clock: this.clock,
      platform: this.options.platform,
      connectAttempts: this.options.connectAttempts,
      presencePollMs: this.options.presencePollMs,
    })
    const stopWatching = session.adapter.onLost(() => op.fail(vanishedError(port)))
    try {
      return await body(session, op)
    } catch (error) {
      if (op.failure) throw op.failure
      // A write can hit EIO a moment before the presence check notices the unplug.
      if (session.adapter.wasLost || (session.adapter.wasOpened && !existsSync(port))) {
        throw vanishedError(port)
      }
      throw error instanceof FlasherError ? error : new FlasherError('WRITE_FAILED', String(error))
    } finally {
      stopWatching()
      op.dispose()
      await session.close()
      this.current = null
    }
  }
}
