import { createHash } from 'node:crypto'
import { simChip } from './chips'

/**
 * Builds ESP firmware images the way esptool's elf2image and merge_bin lay them out
 * (esptool docs: advanced-topics/firmware-image-format), so tests never download one:
 * header + extended header (chip id), segments, checksum, optional SHA-256; and a
 * MicroPython-like merged .bin (bootloader, partition table, app with app descriptor).
 */
export interface Segment {
  addr: number
  data: Uint8Array
}

export interface ImageOptions {
  /** Chip name (`ESP32`, `esp32s3`, ...) or an explicit image chip id. */
  chip: string | number
  segments: Segment[]
  entry: number
  /** 0 QIO, 1 QOUT, 2 DIO (default), 3 DOUT. */
  flashMode?: number
  /** Header byte 3: flash size code << 4 | frequency code. Default 4 MB, 40 MHz. */
  flashSizeFreq?: number
  appendSha256?: boolean
}

export function buildImage(options: ImageOptions): Uint8Array {
  const chipId = typeof options.chip === 'number' ? options.chip : simChip(options.chip).imageChipId
  const parts: number[] = [
    0xe9,
    options.segments.length,
    options.flashMode ?? 2,
    options.flashSizeFreq ?? 0x20,
  ]
  const push32 = (v: number) =>
    parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff)
  push32(options.entry)
  // Extended header: WP pin disabled, drive settings, chip id, min rev, min/max rev full.
  parts.push(0xee, 0, 0, 0, chipId & 0xff, chipId >> 8, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0)
  parts.push(options.appendSha256 === false ? 0 : 1)
  let checksum = 0xef
  for (const segment of options.segments) {
    const data = padTo(segment.data, 4)
    push32(segment.addr)
    push32(data.length)
    for (const byte of data) {
      parts.push(byte)
      checksum ^= byte
    }
  }
  while (parts.length % 16 !== 15) parts.push(0)
  parts.push(checksum & 0xff)
  const body = Uint8Array.from(parts)
  if (options.appendSha256 === false) return body
  const digest = createHash('sha256').update(body).digest()
  return concat([body, digest])
}

/** Deterministic pseudo-random bytes (xorshift32) with some repetition, like machine code. */
export function codeBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed >>> 0 || 1
  for (let i = 0; i < length; i++) {
    if (i % 64 < 16) {
      out[i] = out[i - 64] ?? 0x36 // repeated prologue-like runs compress a little
      continue
    }
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

export interface MicroPythonLikeOptions {
  chip: string
  /** Approximate application size (the real ones are ~1.5 MB; tests use less). */
  appSize?: number
  version?: string
}

/**
 * A merged image as published on micropython.org, to be written at the chip's
 * bootloader offset (0x1000 on ESP32/ESP32-S2, 0x0 on S3/C3/C6): bootloader image,
 * partition table at flash 0x8000, application image at flash 0x10000.
 */
export function buildMicroPythonLikeFirmware(options: MicroPythonLikeOptions): Uint8Array {
  const chip = simChip(options.chip)
  const base = chip.bootloaderOffset
  const riscv = chip.name.startsWith('ESP32-C')
  const iram = riscv ? 0x40380000 : 0x40080400
  const dram = riscv ? 0x3fc88000 : 0x3ffe0000
  const bootloader = buildImage({
    chip: chip.name,
    entry: iram + 0x5a0,
    segments: [
      { addr: dram, data: codeBytes(0x600, 1) },
      { addr: iram, data: codeBytes(0x3a00, 2) },
    ],
  })
  const appSize = options.appSize ?? 96 * 1024
  const appDesc = appDescriptor(options.version ?? 'v1.25.0')
  const drom = riscv ? 0x3c000020 : 0x3f400020
  const irom = riscv ? 0x42000020 : 0x400d0020
  const app = buildImage({
    chip: chip.name,
    entry: iram + 0x1000,
    segments: [
      { addr: drom, data: concat([appDesc, codeBytes(Math.floor(appSize / 4), 3)]) },
      { addr: dram, data: codeBytes(0x1000, 4) },
      { addr: irom, data: codeBytes(Math.floor(appSize / 2), 5) },
      { addr: iram, data: codeBytes(Math.floor(appSize / 4), 6) },
    ],
  })
  const out = new Uint8Array(0x10000 - base + app.length).fill(0xff)
  out.set(bootloader, 0)
  out.set(partitionTable(), 0x8000 - base)
  out.set(app, 0x10000 - base)
  return out
}

/** esp_app_desc_t: magic, versions, project name, build time, IDF version. */
function appDescriptor(version: string): Uint8Array {
  const desc = new Uint8Array(256)
  const view = new DataView(desc.buffer)
  view.setUint32(0, 0xabcd5432, true)
  const text = (at: number, value: string, size: number) =>
    desc.set(new TextEncoder().encode(value).subarray(0, size - 1), at)
  text(16, version, 32)
  text(48, 'micropython', 32)
  text(80, '00:00:00', 16)
  text(96, 'Apr 15 2025', 16)
  text(112, 'v5.2.2', 32)
  return desc
}

/** ESP-IDF partition table: 32-byte entries (0xAA50 magic), then an MD5 entry (0xEBEB). */
function partitionTable(): Uint8Array {
  const entries: Array<[number, number, number, number, string]> = [
    [1, 0x02, 0x9000, 0x6000, 'nvs'],
    [1, 0x01, 0xf000, 0x1000, 'phy_init'],
    [0, 0x00, 0x10000, 0x1f0000, 'factory'],
    [1, 0x81, 0x200000, 0x200000, 'vfs'],
  ]
  const table = new Uint8Array(0xc00).fill(0xff)
  const view = new DataView(table.buffer)
  entries.forEach(([type, subtype, offset, size, label], i) => {
    const at = i * 32
    table.set([0xaa, 0x50, type, subtype], at)
    view.setUint32(at + 4, offset, true)
    view.setUint32(at + 8, size, true)
    table.fill(0, at + 12, at + 28)
    table.set(new TextEncoder().encode(label), at + 12)
    view.setUint32(at + 28, 0, true)
  })
  const used = entries.length * 32
  const md5At = used
  table.set([0xeb, 0xeb], md5At)
  table.fill(0xff, md5At + 2, md5At + 16)
  table.set(createHash('md5').update(table.subarray(0, used)).digest(), md5At + 16)
  return table
}

function padTo(data: Uint8Array, alignment: number): Uint8Array {
  const rest = data.length % alignment
  return rest === 0 ? data : concat([data, new Uint8Array(alignment - rest)])
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
