import { BOOTLOADER_OFFSETS, type ChipFamily, type FirmwareEntry } from './types'

export const MICROPYTHON_FIRMWARE_BASE = 'https://micropython.org/resources/firmware'

interface Board {
  board: string
  chip: ChipFamily
  name: string
}

/** Official generic builds from micropython.org/download (one per chip). */
const BOARDS: readonly Board[] = [
  { board: 'ESP32_GENERIC', chip: 'ESP32', name: 'ESP32 generic (DevKitC, WROOM, WROVER)' },
  { board: 'ESP32_GENERIC_S2', chip: 'ESP32-S2', name: 'ESP32-S2 generic' },
  { board: 'ESP32_GENERIC_S3', chip: 'ESP32-S3', name: 'ESP32-S3 generic' },
  { board: 'ESP32_GENERIC_C3', chip: 'ESP32-C3', name: 'ESP32-C3 generic' },
  { board: 'ESP32_GENERIC_C6', chip: 'ESP32-C6', name: 'ESP32-C6 generic' },
]

interface Release {
  version: string
  /** YYYYMMDD as used in the file names. */
  date: string
  boards: readonly string[]
}

/**
 * Releases offered, newest first. The file name pattern is
 * `<BOARD>-<YYYYMMDD>-v<X.Y.Z>.bin`; ESP32_GENERIC_C6 builds start with v1.25.0.
 * The dates are the releases' build dates as they appear in the published file names;
 * they could not be re-checked offline, so confirm them when adding a release.
 */
const RELEASES: readonly Release[] = [
  { version: '1.25.0', date: '20250415', boards: BOARDS.map((b) => b.board) },
  {
    version: '1.24.1',
    date: '20241129',
    boards: ['ESP32_GENERIC', 'ESP32_GENERIC_S2', 'ESP32_GENERIC_S3', 'ESP32_GENERIC_C3'],
  },
]

export function firmwareUrl(
  board: string,
  date: string,
  version: string,
  baseUrl = MICROPYTHON_FIRMWARE_BASE,
): string {
  return `${baseUrl.replace(/\/+$/, '')}/${board}-${date}-v${version}.bin`
}

export interface CatalogOptions {
  chip?: ChipFamily
  /** A mirror (or the tests' local HTTP server) instead of micropython.org. */
  baseUrl?: string
}

/** Entries newest release first; the offset is the chip's bootloader offset (merged images). */
export function firmwareCatalog(options: CatalogOptions = {}): FirmwareEntry[] {
  const entries: FirmwareEntry[] = []
  for (const release of RELEASES) {
    for (const board of BOARDS) {
      if (!release.boards.includes(board.board)) continue
      if (options.chip && board.chip !== options.chip) continue
      entries.push({
        id: `${board.board}@${release.version}`,
        chip: board.chip,
        board: board.board,
        name: `MicroPython ${release.version} for ${board.name}`,
        version: release.version,
        date: release.date,
        url: firmwareUrl(board.board, release.date, release.version, options.baseUrl),
        offset: BOOTLOADER_OFFSETS[board.chip],
      })
    }
  }
  return entries
}

export function findFirmware(id: string, baseUrl?: string): FirmwareEntry | undefined {
  return firmwareCatalog({ baseUrl }).find((entry) => entry.id === id)
}
