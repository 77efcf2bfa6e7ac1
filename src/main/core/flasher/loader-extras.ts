import { Transport, type ESPLoader } from 'esptool-js'
import { silentLogger, type Logger } from '../base/logger'

/**
 * The bits of the serial protocol esptool (Python) does and esptool-js 0.7 does not, or
 * not quite: sent through esptool-js's own command plumbing.
 */

/** esptool-js prints some trace lines with console.log even with tracing off; keep them in our log. */
export class LoggedTransport extends Transport {
  logger: Logger = silentLogger

  override trace(message: string): void {
    this.logger.debug(message)
  }
}

const SPI_SET_PARAMS = 0x0b

/**
 * SPI_ATTACH then SPI_SET_PARAMS, as esptool's flash_spi_attach/flash_set_parameters send
 * them (serial-protocol "SPI Configuration Commands"): the ROM takes an extra zero word
 * after the pin configuration; the parameters are id 0, total size, 64 KB block, 4 KB
 * sector, 256 B page, status mask 0xFFFF.
 */
export async function spiAttach(
  loader: ESPLoader,
  stub: boolean,
  flashSize: number,
): Promise<void> {
  await loader.checkCommand('attach SPI flash', loader.ESP_SPI_ATTACH, new Uint8Array(stub ? 4 : 8))
  const params = new Uint8Array(24)
  const view = new DataView(params.buffer)
  ;[0, flashSize, 0x10000, 0x1000, 0x100, 0xffff].forEach((v, i) => view.setUint32(i * 4, v, true))
  await loader.checkCommand('set SPI params', SPI_SET_PARAMS, params)
}

/**
 * SPI_FLASH_MD5 ("Verifying Uploaded Data"). Decoded here rather than by esptool-js's
 * flashMd5sum, which hex-encodes the ROM's reply although the ROM already sends 32 hex
 * ASCII digits; the stub sends 16 raw bytes.
 */
export async function flashMd5(
  loader: ESPLoader,
  stub: boolean,
  offset: number,
  size: number,
): Promise<string> {
  const pkt = new Uint8Array(16)
  const view = new DataView(pkt.buffer)
  view.setUint32(0, offset, true)
  view.setUint32(4, size, true)
  const timeout = loader.timeoutPerMb(loader.MD5_TIMEOUT_PER_MB, size)
  const res = await loader.checkCommand(
    'calculate md5sum',
    loader.ESP_SPI_FLASH_MD5,
    pkt,
    0,
    stub ? 16 : 32,
    timeout,
  )
  if (!(res instanceof Uint8Array)) throw new Error('empty MD5 reply')
  return stub ? Buffer.from(res).toString('hex') : new TextDecoder().decode(res).toLowerCase()
}

/** "4MB" (esptool-js detectFlashSize) → bytes. */
export function parseFlashSize(text: string | undefined): number | null {
  const match = /^(\d+)(KB|MB)$/.exec(text ?? '')
  if (!match) return null
  return Number(match[1]) * (match[2] === 'MB' ? 1024 * 1024 : 1024)
}
