import { constants } from 'node:fs'
import { access, readFile, readdir, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SerialPort } from 'serialport'
import { silentLogger, type Logger } from '../base/logger'
import { FlasherError, type HostPlatform } from './errors'
import type { PortInfo } from './types'
import { parseUsbId, usbName } from './usb-ids'

/** What SerialPort.list() returns (IDs as hex strings). */
export interface RawPort {
  path: string
  manufacturer?: string
  serialNumber?: string
  vendorId?: string
  productId?: string
}

export interface SerialPortScannerOptions {
  /** Defaults to SerialPort.list (which needs udevadm on Linux and rejects without it). */
  list?: () => Promise<RawPort[]>
  /** Where device nodes live, for the fallback scan (default /dev). */
  devDir?: string
  /** sysfs tty class, to read USB IDs in the fallback scan (default /sys/class/tty). */
  sysTtyDir?: string
  platform?: HostPlatform
  logger?: Logger
}

/** Device names that are USB serial adapters (Linux ttyUSB/ttyACM, macOS cu.*). */
const SCAN_PATTERNS = [
  /^ttyUSB\d+$/,
  /^ttyACM\d+$/,
  /^cu\.(usbserial|usbmodem|SLAB_USBtoUART|wchusbserial)/,
]

/**
 * Lists serial ports with friendly names. SerialPort.list() is the primary source;
 * where it fails (no udevadm in containers, minimal distros) we scan /dev for
 * ttyUSB and ttyACM nodes and read their USB IDs from sysfs ourselves.
 */
export class SerialPortScanner {
  private readonly options: SerialPortScannerOptions
  private readonly logger: Logger

  constructor(options: SerialPortScannerOptions = {}) {
    this.options = options
    this.logger = options.logger ?? silentLogger
  }

  async list(): Promise<PortInfo[]> {
    let ports: PortInfo[]
    try {
      const raw = await (this.options.list ?? (() => SerialPort.list()))()
      ports = raw.map((port) => toPortInfo(port, 'system'))
    } catch (error) {
      this.logger.debug('SerialPort.list failed, scanning device nodes', { error: String(error) })
      ports = await this.scan()
    }
    await Promise.all(ports.map(async (port) => (port.accessible = await canOpen(port.path))))
    return ports.sort(
      (a, b) => Number(b.likelyEsp) - Number(a.likelyEsp) || a.path.localeCompare(b.path),
    )
  }

  /**
   * A port typed in by the person (ptys, unusual names): listed details when we know
   * it, otherwise a "manual" entry. Fails with PORT_NOT_FOUND when the path is absent.
   */
  async describe(path: string): Promise<PortInfo> {
    try {
      await stat(path)
    } catch (error) {
      throw new FlasherError(
        'PORT_NOT_FOUND',
        `${path} does not exist.`,
        'Check the path, or plug the board in.',
        {
          cause: error,
        },
      )
    }
    const listed = (await this.list()).find((port) => port.path === path)
    if (listed) return listed
    return {
      path,
      friendlyName: `Serial port ${basename(path)}`,
      likelyEsp: false,
      source: 'manual',
      accessible: await canOpen(path),
    }
  }

  private async scan(): Promise<PortInfo[]> {
    const devDir = this.options.devDir ?? '/dev'
    let names: string[]
    try {
      names = await readdir(devDir)
    } catch {
      return []
    }
    const matches = names.filter((name) => SCAN_PATTERNS.some((pattern) => pattern.test(name)))
    return Promise.all(
      matches.map(async (name) =>
        toPortInfo({ path: join(devDir, name), ...(await this.usbDetails(name)) }, 'scan'),
      ),
    )
  }

  /** Walks up from /sys/class/tty/<name>/device to the USB device holding idVendor. */
  private async usbDetails(name: string): Promise<Partial<RawPort>> {
    const sysTty = this.options.sysTtyDir ?? '/sys/class/tty'
    let dir: string
    try {
      dir = await realpath(join(sysTty, name, 'device'))
    } catch {
      return {}
    }
    for (let depth = 0; depth < 4; depth++, dir = dirname(dir)) {
      const read = (file: string) =>
        readFile(join(dir, file), 'utf8').then(
          (s) => s.trim(),
          () => undefined,
        )
      const vendorId = await read('idVendor')
      if (vendorId) {
        return {
          vendorId,
          productId: await read('idProduct'),
          manufacturer: await read('manufacturer'),
          serialNumber: await read('serial'),
        }
      }
    }
    return {}
  }
}

async function canOpen(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK | constants.W_OK)
    return true
  } catch {
    return false
  }
}

export function toPortInfo(raw: RawPort, source: PortInfo['source']): PortInfo {
  const vendorId = parseUsbId(raw.vendorId)
  const productId = parseUsbId(raw.productId)
  const known =
    vendorId !== undefined && productId !== undefined ? usbName(vendorId, productId) : null
  const fallback = raw.manufacturer
    ? `${raw.manufacturer} serial port`
    : `Serial port ${basename(raw.path)}`
  const info: PortInfo = {
    path: raw.path,
    friendlyName: known?.name ?? fallback,
    likelyEsp: known?.likelyEsp ?? false,
    source,
  }
  if (vendorId !== undefined) info.vendorId = vendorId
  if (productId !== undefined) info.productId = productId
  if (raw.manufacturer) info.manufacturer = raw.manufacturer
  if (raw.serialNumber) info.serialNumber = raw.serialNumber
  return info
}
