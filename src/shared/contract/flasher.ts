/**
 * Serial ports, chip detection and MicroPython images: the building blocks of the
 * installer wizard (core/flasher). Schemas mirror core/flasher/types.ts one to one.
 */
import { z } from 'zod'
import { method, NoParams } from './define'

export const ChipFamily = z.enum(['ESP32', 'ESP32-S2', 'ESP32-S3', 'ESP32-C3', 'ESP32-C6'])
export type ChipFamily = z.infer<typeof ChipFamily>

export const PortInfo = z.object({
  /** What to open: /dev/ttyUSB0, COM3, or any explicit path (ptys are never listed). */
  path: z.string(),
  /** "Silicon Labs CP210x USB to UART (ESP32 dev boards)" or the OS's own name. */
  friendlyName: z.string(),
  vendorId: z.number().int().optional(),
  productId: z.number().int().optional(),
  manufacturer: z.string().optional(),
  serialNumber: z.string().optional(),
  /** True for USB bridges commonly found on ESP32 boards and Espressif's native USB. */
  likelyEsp: z.boolean(),
  source: z.enum(['system', 'scan', 'manual']),
  /** False when this user may not open it (Linux: not in the dialout group). */
  accessible: z.boolean().optional(),
})
export type PortInfo = z.infer<typeof PortInfo>

export const PortsChanged = z.object({
  added: z.array(PortInfo),
  removed: z.array(PortInfo),
  ports: z.array(PortInfo),
})

export const ChipInfo = z.object({
  chip: ChipFamily,
  /** esptool's description, e.g. "ESP32-D0WD-V3 (revision 3)". */
  description: z.string(),
  revision: z.string(),
  features: z.array(z.string()),
  /** "24:0a:c4:12:34:56" */
  mac: z.string(),
  crystalMhz: z.number(),
  /** From the flash JEDEC id; null when the flash did not answer. */
  flashSizeBytes: z.number().int().nullable(),
  /** Where a merged MicroPython image for this chip goes (0x1000 on ESP32/S2, 0 on S3/C3/C6). */
  bootloaderOffset: z.number().int(),
})
export type ChipInfo = z.infer<typeof ChipInfo>

export const FirmwareEntry = z.object({
  id: z.string(),
  chip: ChipFamily,
  /** MicroPython board name, e.g. ESP32_GENERIC_S3. */
  board: z.string(),
  name: z.string(),
  version: z.string(),
  /** Release date as YYYYMMDD. */
  date: z.string(),
  url: z.string(),
  offset: z.number().int(),
  sha256: z.string().optional(),
})
export type FirmwareEntry = z.infer<typeof FirmwareEntry>

export const DownloadProgress = z.object({
  url: z.string(),
  bytesDone: z.number(),
  /** null when the server does not say. */
  bytesTotal: z.number().nullable(),
  percent: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  /** Bytes already on disk from an interrupted download. */
  resumedFrom: z.number(),
})
export type DownloadProgress = z.infer<typeof DownloadProgress>

export const DownloadResult = z.object({
  path: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  fromCache: z.boolean(),
  entry: FirmwareEntry,
})

/** What the image header says (esptool image format). */
export const ImageInfo = z.object({
  /** null when the header names a chip we do not support. */
  chip: ChipFamily.nullable(),
  chipId: z.number().int(),
  size: z.number().int(),
  segments: z.number().int(),
  entry: z.number(),
  flashMode: z.number().int(),
  headerFlashSize: z.number().int().nullable(),
  hashAppended: z.boolean(),
})
export type ImageInfo = z.infer<typeof ImageInfo>

/** A user-chosen .bin kept in the data folder's firmware cache. */
export const LocalFirmware = z.object({
  localId: z.string(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  image: ImageInfo,
})
export type LocalFirmware = z.infer<typeof LocalFirmware>

const PortParam = z.object({ port: z.string().min(1).max(512) }).strict()
/** Lower-case hex ids handed out by firmware.importBegin / importFinish. */
const Id = z.string().regex(/^[0-9a-f]{8,64}$/, 'an id returned by the app')

/** 16 MiB: the largest ESP32 flash; no MicroPython image comes close. */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024
/** Raw bytes per firmware.importChunk: 512 KiB (~683 KiB base64) fits a 1 MiB WebSocket message. */
export const IMPORT_CHUNK_BYTES = 512 * 1024

export const flasherMethods = {
  'flasher.listPorts': method(NoParams, z.array(PortInfo), 'Serial ports the system lists.'),
  'flasher.describePort': method(
    z.object({ path: z.string().min(1).max(512) }).strict(),
    PortInfo,
    'Describe a port typed in by hand (e.g. a pty or /dev/serial/by-id/…).',
  ),
  'flasher.detect': method(
    PortParam,
    ChipInfo,
    'Talk to the ROM bootloader: chip, MAC, flash size (the board must be in download mode or auto-reset).',
  ),
  'firmware.catalog': method(
    z.object({ chip: ChipFamily.optional() }).strict(),
    z.array(FirmwareEntry),
    'Official MicroPython builds the app knows, newest first.',
  ),
  'firmware.download': method(
    z.object({ id: z.string().min(1).max(200) }).strict(),
    DownloadResult,
    'Download a catalog image into the cache (resumes; reuses a verified cached copy offline).',
  ),
  'firmware.importBegin': method(
    z
      .object({
        name: z.string().min(1).max(255),
        size: z.number().int().min(1).max(MAX_IMAGE_BYTES),
      })
      .strict(),
    z.object({ uploadId: Id, chunkBytes: z.number().int() }),
    'Start uploading a .bin chosen by the person; send it in chunks of at most chunkBytes.',
  ),
  'firmware.importChunk': method(
    z
      .object({
        uploadId: Id,
        index: z.number().int().min(0),
        /** base64 of at most IMPORT_CHUNK_BYTES raw bytes. */
        data: z.string().max(Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4),
      })
      .strict(),
    z.object({ received: z.number().int() }),
    'One chunk of an upload, in order (index 0, 1, 2, …).',
  ),
  'firmware.importFinish': method(
    z.object({ uploadId: Id }).strict(),
    LocalFirmware,
    'Complete an upload: checks the size and the image header, keeps it in the firmware cache.',
  ),
  'firmware.validateLocal': method(
    z
      .object({
        localId: Id,
        chip: ChipFamily.optional(),
        flashSizeBytes: z.number().int().positive().optional(),
      })
      .strict(),
    ImageInfo,
    'Check an imported image against a chip (header chip id, size against flash size).',
  ),
}

export const flasherEvents = {
  /** Serial ports appeared or disappeared (hot-plug). */
  'ports.changed': PortsChanged,
  'firmware.downloadProgress': DownloadProgress,
}
