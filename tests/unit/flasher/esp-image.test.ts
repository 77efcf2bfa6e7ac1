import { describe, expect, test } from 'vitest'
import { FlasherError, parseImage, validateFirmware } from '../../../src/main/core/flasher'
import {
  buildImage,
  buildMicroPythonLikeFirmware,
  codeBytes,
} from '../../simulators/esp32-rom/firmware-image'

const image = (chip: string | number, appendSha256 = true) =>
  buildImage({
    chip,
    entry: 0x40080400,
    appendSha256,
    segments: [{ addr: 0x3ffe0000, data: codeBytes(333, 9) }],
  })

function failureOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    if (error instanceof FlasherError) return error.failure
    throw error
  }
  return 'none'
}

describe('ESP image validation', () => {
  test('reads the header: chip id from bytes 12-13, flash size, segment count, appended hash', () => {
    const info = parseImage(image('ESP32-S3'))
    expect(info).toMatchObject({
      chip: 'ESP32-S3',
      chipId: 9,
      segments: 1,
      headerFlashSize: 4 << 20,
      hashAppended: true,
    })
    expect(image('ESP32-S3')[12]).toBe(9)
  })

  test('the checksum byte lands at 15 mod 16 and the SHA-256 follows it', () => {
    const bytes = image('ESP32', true)
    expect((bytes.length - 32) % 16).toBe(0)
    expect(parseImage(bytes).length).toBe(bytes.length)
    expect(parseImage(image('ESP32', false)).hashAppended).toBe(false)
  })

  test.each(['ESP32', 'ESP32-S2', 'ESP32-S3', 'ESP32-C3', 'ESP32-C6'] as const)(
    'a merged MicroPython-like image for %s validates for its own chip only',
    (chip) => {
      const bytes = buildMicroPythonLikeFirmware({ chip, appSize: 4096 })
      const offset = chip === 'ESP32' || chip === 'ESP32-S2' ? 0x1000 : 0
      expect(validateFirmware(bytes, { chip, offset }).chip).toBe(chip)
      const other = chip === 'ESP32' ? 'ESP32-C3' : 'ESP32'
      expect(failureOf(() => validateFirmware(bytes, { chip: other, offset }))).toBe('WRONG_CHIP')
    },
  )

  test('rejects files that are not images, truncated, or corrupt', () => {
    const good = image('ESP32')
    expect(failureOf(() => parseImage(new Uint8Array(100)))).toBe('INVALID_IMAGE')
    expect(failureOf(() => parseImage(good.subarray(0, 20)))).toBe('INVALID_IMAGE')
    expect(failureOf(() => parseImage(good.subarray(0, 200)))).toBe('INVALID_IMAGE')
    const badData = Uint8Array.from(good)
    badData[40] = (badData[40] ?? 0) ^ 1
    expect(() => parseImage(badData)).toThrow(/checksum/)
    const badSha = Uint8Array.from(good)
    badSha[badSha.length - 1] = (badSha[badSha.length - 1] ?? 0) ^ 1
    expect(() => parseImage(badSha)).toThrow(/SHA-256/)
  })

  test('a corrupt application inside a merged image is caught too', () => {
    const bytes = buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 4096 })
    bytes[0xf000 + 100] = (bytes[0xf000 + 100] ?? 0) ^ 0xff
    expect(failureOf(() => validateFirmware(bytes, { chip: 'ESP32', offset: 0x1000 }))).toBe(
      'INVALID_IMAGE',
    )
  })

  test('an image that does not fit the detected flash is refused', () => {
    const bytes = buildMicroPythonLikeFirmware({ chip: 'ESP32-C3', appSize: 4096 })
    expect(
      failureOf(() => validateFirmware(bytes, { chip: 'ESP32-C3', offset: 0, flashSize: 0x10000 })),
    ).toBe('IMAGE_TOO_LARGE')
    expect(validateFirmware(bytes, { chip: 'ESP32-C3', offset: 0, flashSize: 4 << 20 }).chip).toBe(
      'ESP32-C3',
    )
  })

  test('an unknown chip id is reported as such', () => {
    expect(() => validateFirmware(image(0x77), { chip: 'ESP32', offset: 0x1000 })).toThrow(
      /unknown chip \(id 119\)/,
    )
  })
})
