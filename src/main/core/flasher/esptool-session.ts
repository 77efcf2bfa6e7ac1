import { ESPLoader, type IEspLoaderTerminal, type Transport } from 'esptool-js'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { FlasherError, HOLD_BOOT_HINT, type HostPlatform } from './errors'
import { LoggedTransport, flashMd5, parseFlashSize, spiAttach } from './loader-extras'
import { fromLoaderError } from './loader-errors'
import { BOOTLOADER_OFFSETS, CHIP_FAMILIES, type ChipFamily, type ChipInfo } from './types'
import { NodeWebSerialPort, type WebSerialInfo } from './web-serial-adapter'

export const ROM_BAUD = 115200

export interface SessionOptions {
  path: string
  info?: WebSerialInfo
  logger: Logger
  clock: Clock
  platform?: HostPlatform
  /** esptool's --connect-attempts (default 7). */
  connectAttempts?: number
  presencePollMs?: number
}

/**
 * One conversation with a chip through esptool-js: open, sync, identify, optionally
 * load the stub and raise the baud rate, write, verify, reset. Everything esptool-js
 * throws leaves here as a FlasherError.
 */
export class EspSession {
  readonly adapter: NodeWebSerialPort
  readonly transport: Transport
  private loaderInstance: ESPLoader | null = null
  private readonly options: SessionOptions

  constructor(options: SessionOptions) {
    this.options = options
    this.adapter = new NodeWebSerialPort({
      path: options.path,
      info: options.info,
      logger: options.logger,
      clock: options.clock,
      platform: options.platform,
      presencePollMs: options.presencePollMs,
    })
    const transport = new LoggedTransport(this.adapter, false)
    transport.logger = options.logger
    this.transport = transport
  }

  get loader(): ESPLoader {
    if (!this.loaderInstance) throw new Error('not connected')
    return this.loaderInstance
  }

  get usingStub(): boolean {
    return this.loaderInstance?.IS_STUB === true
  }

  get baudRate(): number {
    return this.transport.baudrate
  }

  /**
   * Sync with the ROM loader at 115200 and identify the chip. Ports without DTR/RTS
   * (ptys, some adapters) get esptool's `no_reset`: the board must already be waiting
   * in download mode. Others get esptool-js's classic or USB-Serial/JTAG reset.
   */
  async connect(targetBaud: number): Promise<void> {
    // Open once up front: permission and "busy" problems surface with clear messages,
    // and we learn whether the port has modem lines before choosing a reset mode.
    await this.adapter.open({ baudRate: ROM_BAUD })
    const modemLines = await this.adapter.probeModemLines()
    await this.adapter.close()
    const logger = this.options.logger
    const terminal: IEspLoaderTerminal = {
      clean: () => undefined,
      writeLine: (line: string) => logger.debug(line.trim()),
      write: (text: string) => {
        if (text.trim()) logger.debug(text.trim())
      },
    }
    this.loaderInstance = new ESPLoader({
      transport: this.transport,
      baudrate: targetBaud,
      romBaudrate: ROM_BAUD,
      terminal,
    })
    const mode = modemLines ? 'default_reset' : 'no_reset'
    logger.info('connecting', { path: this.options.path, mode })
    try {
      await this.loader.detectChip(mode, this.options.connectAttempts ?? 7)
    } catch (error) {
      if (/failed to connect/i.test(String(error))) {
        throw new FlasherError(
          'NO_SYNC',
          `No answer from a bootloader on ${this.options.path}.`,
          HOLD_BOOT_HINT,
          {
            cause: error,
          },
        )
      }
      throw fromLoaderError(error, 'identify the chip')
    }
  }

  async chipInfo(): Promise<ChipInfo> {
    const loader = this.loader
    const name = loader.chip.CHIP_NAME
    const chip = CHIP_FAMILIES.find((family) => family === name)
    if (!chip)
      throw new FlasherError('UNSUPPORTED', `${name} is not supported by this installer yet.`)
    try {
      const description = await loader.chip.getChipDescription(loader)
      const features = (await loader.chip.getChipFeatures(loader))
        .map((f) => f.trim())
        .filter(Boolean)
      const crystalMhz = await loader.chip.getCrystalFreq(loader)
      const mac = await loader.chip.readMac(loader)
      const revision = /\(revision (v?[\d.]+)\)/.exec(description)?.[1] ?? 'unknown'
      await loader.chip.postConnect?.(loader)
      return {
        chip: chip satisfies ChipFamily,
        description,
        revision,
        features,
        mac,
        crystalMhz,
        flashSizeBytes: null,
        bootloaderOffset: BOOTLOADER_OFFSETS[chip],
      }
    } catch (error) {
      throw fromLoaderError(error, 'read the chip details')
    }
  }

  /** Uploads esptool's stub loader (MEM_BEGIN/DATA/END, then waits for "OHAI"). */
  async loadStub(): Promise<void> {
    try {
      await this.loader.runStub()
    } catch (error) {
      throw fromLoaderError(error, 'start the flasher stub')
    }
  }

  /**
   * Asks for `target` baud. A chip that does not answer CHANGE_BAUDRATE (esptool-js's
   * 3 s command timeout) keeps 115200; returns the rate in use afterwards.
   */
  async changeBaud(target: number): Promise<number> {
    if (target === ROM_BAUD) return ROM_BAUD
    try {
      await this.loader.changeBaud()
    } catch (error) {
      this.options.logger.warn('baud change failed, staying at 115200', { error: String(error) })
    }
    return this.transport.baudrate
  }

  /** Flash size from the JEDEC id (RDID), or null when the flash does not answer. */
  async flashSize(): Promise<number | null> {
    try {
      return parseFlashSize(await this.loader.detectFlashSize())
    } catch (error) {
      throw fromLoaderError(error, 'read the flash id')
    }
  }

  /**
   * The ROM loader needs SPI_ATTACH (with its extra ROM-only word) and SPI_SET_PARAMS
   * before flash commands (serial-protocol "SPI Configuration Commands"), as esptool
   * sends them; esptool-js's writeFlash does not, so we do.
   */
  async attachFlash(flashSize: number): Promise<void> {
    try {
      await spiAttach(this.loader, this.usingStub, flashSize)
    } catch (error) {
      throw fromLoaderError(error, 'attach the SPI flash')
    }
  }

  async eraseAll(): Promise<void> {
    if (!this.usingStub) {
      throw new FlasherError('UNSUPPORTED', 'Erasing the whole flash needs the stub loader.')
    }
    try {
      await this.loader.eraseFlash()
    } catch (error) {
      throw fromLoaderError(error, 'erase the flash')
    }
  }

  /**
   * Compressed write (FLASH_DEFL_*). `onBlock` runs after each acknowledged block; if it
   * throws (cancel), the write stops between blocks with the protocol still in step.
   */
  async write(
    data: Uint8Array,
    offset: number,
    onBlock: (sent: number, total: number) => void,
  ): Promise<void> {
    const loader = this.loader
    if (!this.usingStub) loader.FLASH_WRITE_SIZE = loader.chip.FLASH_WRITE_SIZE // esptool's ROM block size
    try {
      await loader.writeFlash({
        fileArray: [{ data, address: offset }],
        flashMode: 'keep',
        flashFreq: 'keep',
        flashSize: 'keep',
        eraseAll: false,
        compress: true,
        reportProgress: (_file, sent, total) => onBlock(sent, total),
      })
    } catch (error) {
      throw fromLoaderError(error, 'write the flash')
    }
  }

  /** SPI_FLASH_MD5 of the written region, as lower-case hex. */
  async md5(offset: number, size: number): Promise<string> {
    try {
      return await flashMd5(this.loader, this.usingStub, offset, size)
    } catch (error) {
      throw fromLoaderError(error, 'verify the flash (MD5)')
    }
  }

  /**
   * Leaves the loader. With DTR/RTS: esptool's hard reset (RTS pulse) into the new
   * firmware. Without: the protocol's own exits, RUN_USER_CODE (stub) or FLASH_BEGIN(0)
   * + FLASH_END("run user code") (ROM), as esptool's soft reset does.
   */
  async runFirmware(): Promise<void> {
    const loader = this.loader
    try {
      if (this.adapter.modemLines) {
        await loader.after('hard_reset')
      } else if (this.usingStub) {
        await loader.command(loader.ESP_RUN_USER_CODE, new Uint8Array(0), 0, false)
      } else {
        await loader.flashBegin(0, 0)
        await loader.flashFinish(false)
      }
    } catch (error) {
      throw fromLoaderError(error, 'reset the board')
    }
  }

  /**
   * After a cancelled write: a stub is asked to reboot into the ROM loader (esptool's
   * soft_reset(stay_in_bootloader)), so the next attempt can sync without a button press.
   */
  async returnToBootloader(): Promise<void> {
    if (!this.usingStub) return
    const loader = this.loader
    loader.DEFAULT_TIMEOUT = 500
    await loader.flashBegin(0, 0)
    await loader.flashFinish(true)
  }

  async close(): Promise<void> {
    try {
      if (this.adapter.isOpen) await this.transport.disconnect()
    } catch (error) {
      this.options.logger.debug('disconnect failed', { error: String(error) })
    }
    await this.adapter.close()
  }
}
