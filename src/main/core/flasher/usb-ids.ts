/**
 * Friendly names for USB-to-serial bridges found on ESP32 boards, by VID:PID (IDs from
 * the vendors' drivers and the Linux usb.ids database).
 */
interface KnownBridge {
  vendorId: number
  productId: number
  name: string
  /** Seen on ESP32 boards (dev kits and clones). */
  esp: boolean
}

const KNOWN: readonly KnownBridge[] = [
  { vendorId: 0x10c4, productId: 0xea60, name: 'Silicon Labs CP210x USB to UART', esp: true },
  { vendorId: 0x10c4, productId: 0xea70, name: 'Silicon Labs CP2105 dual USB to UART', esp: true },
  { vendorId: 0x1a86, productId: 0x7523, name: 'WCH CH340 USB to serial', esp: true },
  { vendorId: 0x1a86, productId: 0x7522, name: 'WCH CH340K USB to serial', esp: true },
  { vendorId: 0x1a86, productId: 0x55d4, name: 'WCH CH9102 USB to serial', esp: true },
  { vendorId: 0x1a86, productId: 0x55d3, name: 'WCH CH343 USB to serial', esp: true },
  { vendorId: 0x0403, productId: 0x6001, name: 'FTDI FT232R USB to UART', esp: true },
  {
    vendorId: 0x0403,
    productId: 0x6010,
    name: 'FTDI FT2232 dual USB to UART (ESP-Prog)',
    esp: true,
  },
  { vendorId: 0x0403, productId: 0x6014, name: 'FTDI FT232H USB to UART', esp: true },
  { vendorId: 0x0403, productId: 0x6015, name: 'FTDI FT231X USB to UART', esp: true },
  { vendorId: 0x067b, productId: 0x2303, name: 'Prolific PL2303 USB to serial', esp: false },
  {
    vendorId: 0x303a,
    productId: 0x1001,
    name: 'Espressif USB-Serial/JTAG (ESP32-S3/C3/C6 native USB)',
    esp: true,
  },
  {
    vendorId: 0x303a,
    productId: 0x0002,
    name: 'Espressif ESP32-S2 native USB (USB-OTG)',
    esp: true,
  },
  {
    vendorId: 0x303a,
    productId: 0x0009,
    name: 'Espressif ESP32-S3 native USB (USB-OTG)',
    esp: true,
  },
  { vendorId: 0x303a, productId: 0x4001, name: 'Espressif native USB (MicroPython)', esp: true },
]

const VENDORS: Record<number, string> = {
  0x10c4: 'Silicon Labs',
  0x1a86: 'WCH',
  0x0403: 'FTDI',
  0x303a: 'Espressif',
  0x067b: 'Prolific',
  0x2341: 'Arduino',
  0x239a: 'Adafruit',
}

export interface UsbName {
  name: string
  likelyEsp: boolean
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0')

/** Name for a VID:PID; unknown products of known vendors still get the vendor's name. */
export function usbName(vendorId: number, productId: number): UsbName | null {
  const known = KNOWN.find((k) => k.vendorId === vendorId && k.productId === productId)
  if (known) return { name: known.name, likelyEsp: known.esp }
  const vendor = VENDORS[vendorId]
  if (vendor) {
    return {
      name: `${vendor} USB serial (${hex4(vendorId)}:${hex4(productId)})`,
      likelyEsp: vendorId === 0x303a,
    }
  }
  return null
}

/** node-serialport reports IDs as hex strings ("10c4", sometimes "0x10C4"). */
export function parseUsbId(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  if (typeof value === 'number') return value
  const n = Number.parseInt(value.replace(/^0x/i, ''), 16)
  return Number.isFinite(n) ? n : undefined
}
