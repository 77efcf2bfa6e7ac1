import { describe, expect, test } from 'vitest'
import { usbName } from '../../../src/main/core/flasher'
import { parseUsbId } from '../../../src/main/core/flasher/usb-ids'

describe('USB VID:PID names', () => {
  test.each([
    [0x10c4, 0xea60, 'Silicon Labs CP210x USB to UART'],
    [0x1a86, 0x7523, 'WCH CH340 USB to serial'],
    [0x1a86, 0x55d4, 'WCH CH9102 USB to serial'],
    [0x0403, 0x6001, 'FTDI FT232R USB to UART'],
    [0x0403, 0x6015, 'FTDI FT231X USB to UART'],
    [0x303a, 0x1001, 'Espressif USB-Serial/JTAG (ESP32-S3/C3/C6 native USB)'],
  ])('%s:%s is %s', (vid, pid, name) => {
    expect(usbName(vid, pid)).toEqual({ name, likelyEsp: true })
  })

  test('unknown products of known vendors get the vendor name; unknown vendors get nothing', () => {
    expect(usbName(0x1a86, 0x1234)?.name).toBe('WCH USB serial (1a86:1234)')
    expect(usbName(0x303a, 0x8000)?.likelyEsp).toBe(true)
    expect(usbName(0x1234, 0x5678)).toBeNull()
  })

  test('IDs from node-serialport strings', () => {
    expect(parseUsbId('10c4')).toBe(0x10c4)
    expect(parseUsbId('0x303A')).toBe(0x303a)
    expect(parseUsbId('')).toBeUndefined()
    expect(parseUsbId(undefined)).toBeUndefined()
  })
})
