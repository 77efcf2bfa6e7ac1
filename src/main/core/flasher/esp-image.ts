import { createHash } from 'node:crypto'
import { FlasherError } from './errors'
import { CHIP_FAMILIES, IMAGE_CHIP_IDS, type ChipFamily, type ImageInfo } from './types'

/**
 * ESP application/bootloader image format (esptool docs, advanced-topics/firmware-image-
 * format): an 8-byte header (magic 0xE9, segment count, flash mode, size|freq, entry),
 * a 16-byte extended header (chip id at bytes 12-13, "hash appended" at byte 23), the
 * segments (address, length, data), one checksum byte (0xEF XOR all segment data) placed
 * so the image length is a multiple of 16, then optionally a SHA-256 of all of that.
 */
export const IMAGE_MAGIC = 0xe9
const HEADER_LEN = 24
const MAX_SEGMENTS = 16
/** Flash size codes in the high nibble of header byte 3 (ESP32 family). */
const FLASH_SIZE_CODES = [1, 2, 4, 8, 16, 32, 64, 128].map((mb) => mb * 1024 * 1024)
/** A merged MicroPython .bin: bootloader, partition table at 0x8000, app at 0x10000. */
const APP_FLASH_OFFSET = 0x10000

export interface ParsedImage extends ImageInfo {
  /** Bytes from the header to the end of the checksum/SHA-256. */
  length: number
}

const invalid = (message: string) => new FlasherError('INVALID_IMAGE', message)

export function chipForImageId(id: number): ChipFamily | null {
  return CHIP_FAMILIES.find((chip) => IMAGE_CHIP_IDS[chip] === id) ?? null
}

/** Parses and checks one image starting at `start` (checksum and SHA-256 included). */
export function parseImage(bytes: Uint8Array, start = 0): ParsedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length - start < HEADER_LEN)
    throw invalid('The file is too short to be an ESP firmware image.')
  const magic = bytes[start] ?? 0
  if (magic !== IMAGE_MAGIC) {
    throw invalid(notAnImage(bytes.subarray(start, start + 4)))
  }
  const segments = bytes[start + 1] ?? 0
  if (segments === 0 || segments > MAX_SEGMENTS)
    throw invalid(`Implausible segment count ${segments}.`)
  const chipId = view.getUint16(start + 12, true)
  const hashAppended = bytes[start + 23] === 1
  let pos = start + HEADER_LEN
  let checksum = 0xef
  for (let i = 0; i < segments; i++) {
    if (pos + 8 > bytes.length)
      throw invalid(`The image is truncated (segment ${i + 1} of ${segments}).`)
    const length = view.getUint32(pos + 4, true)
    pos += 8
    if (pos + length > bytes.length)
      throw invalid(`The image is truncated (segment ${i + 1} of ${segments}).`)
    for (let j = pos; j < pos + length; j++) checksum ^= bytes[j] ?? 0
    pos += length
  }
  // The checksum byte sits where the offset *within the image* is 15 mod 16.
  const checksumAt = pos + (15 - ((pos - start) % 16))
  if (checksumAt >= bytes.length) throw invalid('The image is truncated (no checksum).')
  if ((bytes[checksumAt] ?? 0) !== (checksum & 0xff)) {
    throw invalid('The image checksum is wrong: the file is corrupt.')
  }
  let end = checksumAt + 1
  if (hashAppended) {
    if (end + 32 > bytes.length) throw invalid('The image is truncated (no SHA-256).')
    const digest = createHash('sha256').update(bytes.subarray(start, end)).digest()
    if (!digest.equals(bytes.subarray(end, end + 32))) {
      throw invalid('The image SHA-256 is wrong: the file is corrupt.')
    }
    end += 32
  }
  const sizeCode = (bytes[start + 3] ?? 0) >> 4
  return {
    chip: chipForImageId(chipId),
    chipId,
    size: bytes.length,
    segments,
    entry: view.getUint32(start + 4, true),
    flashMode: bytes[start + 2] ?? 0,
    headerFlashSize: FLASH_SIZE_CODES[sizeCode] ?? null,
    hashAppended,
    length: end - start,
  }
}

export interface ValidateOptions {
  /** Chip the image must be built for. */
  chip?: ChipFamily
  /** Where it will be written. */
  offset: number
  /** Detected flash size; null/undefined skips the size check. */
  flashSize?: number | null
}

/**
 * "Use a local .bin": accepts a bootloader/merged image built for `chip` that fits the
 * flash. In a merged image the application at 0x10000 is checked too.
 */
export function validateFirmware(bytes: Uint8Array, options: ValidateOptions): ImageInfo {
  const first = parseImage(bytes)
  const appStart = APP_FLASH_OFFSET - options.offset
  const app =
    appStart > 0 && bytes.length > appStart && bytes[appStart] === IMAGE_MAGIC
      ? parseImage(bytes, appStart)
      : null
  if (app && app.chipId !== first.chipId) {
    throw invalid('The bootloader and the application in this file are for different chips.')
  }
  if (options.chip && first.chipId !== IMAGE_CHIP_IDS[options.chip]) {
    const builtFor = first.chip ?? `an unknown chip (id ${first.chipId})`
    throw new FlasherError(
      'WRONG_CHIP',
      `This firmware is built for ${builtFor}, but the board is an ${options.chip}.`,
      `Pick a firmware for ${options.chip}.`,
    )
  }
  const flashSize = options.flashSize
  if (flashSize && options.offset + bytes.length > flashSize) {
    throw new FlasherError(
      'IMAGE_TOO_LARGE',
      `The firmware (${bytes.length} bytes at 0x${options.offset.toString(16)}) does not fit in ${flashSize / 1048576} MB of flash.`,
    )
  }
  const { length: _length, ...info } = first
  return info
}

/** Why a file is not an ESP image, in words: what it looks like instead, when that is clear. */
function notAnImage(head: Uint8Array): string {
  const text = Buffer.from(head).toString('latin1')
  if (text.startsWith('PK')) {
    return 'This is a ZIP archive, not a firmware image: unpack it and choose the .bin inside.'
  }
  if (text === '\x7fELF') {
    return 'This is an ELF file (a build output for debuggers), not a firmware image: choose the .bin built next to it.'
  }
  if (text === 'UF2\n') {
    return 'This is a UF2 file (for boards that mount as a USB drive), not an ESP32 firmware image: download the .bin build instead.'
  }
  if (text.startsWith(':')) {
    return 'This is an Intel HEX file, not an ESP32 firmware image: choose a .bin build.'
  }
  return 'This file is not an ESP32 firmware image: every ESP32 image starts with the byte 0xE9, and this one does not. Choose a .bin built for the ESP32 (for MicroPython, a file named like ESP32_GENERIC-….bin).'
}
