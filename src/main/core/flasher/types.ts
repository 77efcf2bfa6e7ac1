/**
 * Plain data the flasher hands out: JSON-safe (numbers, strings, booleans, arrays) so
 * each type maps 1:1 onto a zod schema in the contract.
 */

/** Chip names as esptool prints them. */
export type ChipFamily = 'ESP32' | 'ESP32-S2' | 'ESP32-S3' | 'ESP32-C3' | 'ESP32-C6'

export const CHIP_FAMILIES: readonly ChipFamily[] = [
  'ESP32',
  'ESP32-S2',
  'ESP32-S3',
  'ESP32-C3',
  'ESP32-C6',
]

/** Chip id in the image extended header (esptool bin_image.py / targets IMAGE_CHIP_ID). */
export const IMAGE_CHIP_IDS: Record<ChipFamily, number> = {
  ESP32: 0,
  'ESP32-S2': 2,
  'ESP32-S3': 9,
  'ESP32-C3': 5,
  'ESP32-C6': 13,
}

/** Where the bootloader (and so a merged MicroPython .bin) starts in flash. */
export const BOOTLOADER_OFFSETS: Record<ChipFamily, number> = {
  ESP32: 0x1000,
  'ESP32-S2': 0x1000,
  'ESP32-S3': 0x0,
  'ESP32-C3': 0x0,
  'ESP32-C6': 0x0,
}

export interface PortInfo {
  /** What to open: /dev/ttyUSB0, COM3, or any explicit path (ptys are never listed). */
  path: string
  /** "Silicon Labs CP210x USB to UART (ESP32 dev boards)" or the OS's own name. */
  friendlyName: string
  vendorId?: number
  productId?: number
  manufacturer?: string
  serialNumber?: string
  /** True for bridges commonly found on ESP32 boards and for Espressif's native USB. */
  likelyEsp: boolean
  /** How we learned about it: SerialPort.list (udev), scanning /dev, or typed in. */
  source: 'system' | 'scan' | 'manual'
  /** False when this user may not open it (Linux: not in the dialout group). */
  accessible?: boolean
}

export interface PortsChanged {
  added: PortInfo[]
  removed: PortInfo[]
  ports: PortInfo[]
}

export interface ChipInfo {
  chip: ChipFamily
  /** esptool's description, e.g. "ESP32-D0WD-V3 (revision 3)". */
  description: string
  revision: string
  features: string[]
  /** "24:0a:c4:12:34:56" */
  mac: string
  crystalMhz: number
  /** Detected from the flash JEDEC id; null when the flash did not answer. */
  flashSizeBytes: number | null
  /** Where a merged firmware image for this chip goes. */
  bootloaderOffset: number
}

export type FlashStage =
  | 'connecting'
  | 'detecting'
  | 'validating'
  | 'loading-stub'
  | 'changing-baud'
  | 'erasing'
  | 'writing'
  | 'verifying'
  | 'resetting'
  | 'done'

export interface FlashProgress {
  /** The port being flashed, so a UI can follow several boards. */
  port: string
  stage: FlashStage
  /** Bytes sent over the wire in this stage (compressed while writing). */
  bytesDone: number
  bytesTotal: number
  /** 0..100 within the stage. */
  percent: number
  bytesPerSecond: number
  /** Seconds left in this stage, null when unknown. */
  etaSeconds: number | null
  message?: string
}

export interface FlashRequest {
  /** Serial port path. */
  port: string
  /** Local firmware file: a catalog download from the cache or a user-chosen .bin. */
  imagePath: string
  /** Flash address; defaults to the chip's bootloader offset (merged images). */
  offset?: number
  /** Erase the whole flash first (needs the stub loader). */
  eraseAll?: boolean
  /** Transfer baud after connecting at 115200 (default 460800); falls back to 115200. */
  baudRate?: number
  /** Upload esptool's stub loader first (default true), as esptool does. */
  useStub?: boolean
  /** Reset into the new firmware at the end (default true). */
  resetAfter?: boolean
}

export interface FlashResult {
  chip: ChipInfo
  offset: number
  bytesWritten: number
  /** MD5 of the image as read back by the chip. */
  md5: string
  baudRate: number
  usedStub: boolean
  durationMs: number
}

export interface FirmwareEntry {
  id: string
  chip: ChipFamily
  /** MicroPython board name, e.g. ESP32_GENERIC_S3. */
  board: string
  name: string
  version: string
  /** Release date as YYYYMMDD, as in the file name. */
  date: string
  url: string
  offset: number
  /** Known SHA-256 of the file, when the catalog carries one. */
  sha256?: string
}

export interface DownloadProgress {
  url: string
  bytesDone: number
  /** null when the server does not say. */
  bytesTotal: number | null
  percent: number | null
  bytesPerSecond: number
  etaSeconds: number | null
  /** Bytes that were already on disk from an interrupted download. */
  resumedFrom: number
}

export interface DownloadResult {
  path: string
  sha256: string
  size: number
  fromCache: boolean
}

export interface ImageInfo {
  chip: ChipFamily | null
  chipId: number
  size: number
  segments: number
  entry: number
  flashMode: number
  /** Flash size the image header asks for, in bytes (null for unknown codes). */
  headerFlashSize: number | null
  hashAppended: boolean
}
