import { describe, expect, test } from 'vitest'
import { findFirmware, firmwareCatalog, firmwareUrl } from '../../../src/main/core/flasher'

describe('MicroPython firmware catalog', () => {
  test('URLs follow micropython.org/resources/firmware/<BOARD>-<YYYYMMDD>-v<X.Y.Z>.bin', () => {
    expect(firmwareUrl('ESP32_GENERIC', '20250415', '1.25.0')).toBe(
      'https://micropython.org/resources/firmware/ESP32_GENERIC-20250415-v1.25.0.bin',
    )
    for (const entry of firmwareCatalog()) {
      expect(entry.url).toMatch(
        /^https:\/\/micropython\.org\/resources\/firmware\/ESP32_GENERIC(_[SC]\d)?-\d{8}-v\d+\.\d+\.\d+\.bin$/,
      )
    }
  })

  test('offsets: 0x1000 for ESP32 and ESP32-S2, 0x0 for S3, C3 and C6', () => {
    const offsets = Object.fromEntries(firmwareCatalog().map((e) => [e.chip, e.offset]))
    expect(offsets).toEqual({
      ESP32: 0x1000,
      'ESP32-S2': 0x1000,
      'ESP32-S3': 0,
      'ESP32-C3': 0,
      'ESP32-C6': 0,
    })
  })

  test('filter by chip, newest first, and a mirror base URL', () => {
    const s3 = firmwareCatalog({ chip: 'ESP32-S3', baseUrl: 'http://mirror.local/fw/' })
    expect(s3.map((e) => e.version)).toEqual(['1.25.0', '1.24.1'])
    expect(s3[0]?.url).toBe('http://mirror.local/fw/ESP32_GENERIC_S3-20250415-v1.25.0.bin')
    expect(findFirmware('ESP32_GENERIC_C6@1.25.0')?.board).toBe('ESP32_GENERIC_C6')
    expect(findFirmware('nope')).toBeUndefined()
  })
})
