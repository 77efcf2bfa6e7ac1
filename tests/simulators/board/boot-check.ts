import type { SimChip } from '../esp32-rom/chips'
import type { FlashMemory } from '../esp32-rom/flash-memory'

/** Where ESP-IDF's default partition table puts the factory app (MicroPython's too). */
export const APP_OFFSET = 0x10000
/** esp_app_desc_t.magic_word (ESP-IDF esp_app_format.h). */
const APP_DESC_MAGIC = 0xabcd5432

export type BootCheck = { ok: true; version: string; project: string } | { ok: false; line: string }

/**
 * What the boot ROM and the 2nd-stage bootloader would decide about the flash: a
 * bootloader image (magic 0xE9, this chip's id) at the chip's bootloader offset, and an
 * application at 0x10000 whose app descriptor (first bytes of its first segment) names
 * the project. Anything else is the ROM's "invalid header" boot loop.
 */
export function checkBoot(flash: FlashMemory, chip: SimChip): BootCheck {
  const boot = flash.read(chip.bootloaderOffset, 24)
  if (boot[0] !== 0xe9)
    return { ok: false, line: `invalid header: 0x${hex32(boot.readUInt32LE(0))}` }
  if (boot.readUInt16LE(12) !== chip.imageChipId) {
    return {
      ok: false,
      line: `E (41) boot_comm: mismatch chip ID, expected ${chip.imageChipId}, found ${boot.readUInt16LE(12)}`,
    }
  }
  const app = flash.read(APP_OFFSET, 24 + 8 + 256)
  if (app[0] !== 0xe9)
    return { ok: false, line: 'E (52) boot: No bootable app partitions in the partition table' }
  const desc = app.subarray(32)
  if (desc.readUInt32LE(0) !== APP_DESC_MAGIC) {
    return { ok: false, line: 'E (60) esp_image: image at 0x10000 has invalid magic byte' }
  }
  return {
    ok: true,
    version: cString(desc.subarray(16, 48)),
    project: cString(desc.subarray(48, 80)),
  }
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1')
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0')
}
