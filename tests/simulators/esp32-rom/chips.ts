/**
 * Per-chip facts the ROM exposes over the wire, taken from esptool's target definitions
 * (esptool/targets/*.py, mirrored in esptool-js src/targets/*.ts): the chip-detect magic
 * value at 0x40001000, the GET_SECURITY_INFO chip id, eFuse words (MAC, package,
 * revision) and the SPI0 register block used for flash id reads.
 */
export type SimChipName = 'ESP32' | 'ESP32-S2' | 'ESP32-S3' | 'ESP32-C3' | 'ESP32-C6'

export const SIM_CHIPS: readonly SimChipName[] = [
  'ESP32',
  'ESP32-S2',
  'ESP32-S3',
  'ESP32-C3',
  'ESP32-C6',
]

export interface Revision {
  major: number
  minor: number
}

export interface SimChip {
  name: SimChipName
  /** Value of the chip-detect magic register 0x40001000. */
  magic: number
  /** Chip id in GET_SECURITY_INFO and in the image extended header. */
  imageChipId: number
  /** GET_SECURITY_INFO: unsupported (ESP32), 12-byte body (ESP32-S2), or 20 bytes. */
  securityInfo: 'unsupported' | 'short' | 'full'
  spi: { base: number; usr: number; usr1: number; usr2: number; w0: number }
  uartClkdivReg: number
  /** The "value" field of ROM SYNC replies (non-zero on ROMs; traces in esptool issues). */
  syncValue: number
  defaultRevision: Revision
  /** Where the 2nd-stage bootloader lives, i.e. where the ROM looks for an image at boot. */
  bootloaderOffset: number
  /** First line(s) the ROM prints after reset into download mode. */
  banner: string
  /** Static register contents for this MAC and revision (eFuses, date registers). */
  registers(mac: Uint8Array, rev: Revision): Map<number, number>
}

const macLow = (mac: Uint8Array) =>
  ((mac[2] ?? 0) << 24) | ((mac[3] ?? 0) << 16) | ((mac[4] ?? 0) << 8) | (mac[5] ?? 0)
const macHigh = (mac: Uint8Array) => ((mac[0] ?? 0) << 8) | (mac[1] ?? 0)

/** Newer chips: MAC at EFUSE_BLOCK1 word 0/1, version fields in words 3 and 5 (esp32s3.py). */
function block1Chip(efuseBase: number, mac: Uint8Array, rev: Revision): Map<number, number> {
  const block1 = efuseBase + 0x44
  const minorLow = rev.minor & 0x7
  const minorHigh = (rev.minor >> 3) & 0x1
  return new Map([
    [block1, macLow(mac) >>> 0],
    [block1 + 4, macHigh(mac)],
    // word3: minor (low 3 bits) at 18, package 0 at 21, no embedded flash (27).
    [block1 + 12, minorLow << 18],
    // word5: minor high bit at 23, major at 24.
    [block1 + 20, (minorHigh << 23) | ((rev.major & 0x3) << 24)],
  ])
}

const esp32: SimChip = {
  name: 'ESP32',
  magic: 0x00f01d83,
  imageChipId: 0,
  securityInfo: 'unsupported',
  spi: { base: 0x3ff42000, usr: 0x1c, usr1: 0x20, usr2: 0x24, w0: 0x80 },
  uartClkdivReg: 0x3ff40014,
  syncValue: 0x55201207,
  defaultRevision: { major: 3, minor: 0 },
  bootloaderOffset: 0x1000,
  banner:
    'ets Jul 29 2019 12:21:46\r\n\r\nrst:0x1 (POWERON_RESET),boot:0x3 ' +
    '(DOWNLOAD_BOOT(UART0/UART1/SDIO_REI_REO_V2))\r\nwaiting for download\r\n',
  registers(mac, rev) {
    const efuse = 0x3ff5a000
    // word3: package 1 (ESP32-D0WD) at bits 9-11, 240 MHz rated (bit 13), revision bit 0 (15).
    const word3 = (1 << 9) | (1 << 13) | (rev.major >= 1 ? 1 << 15 : 0)
    return new Map([
      [efuse + 4, macLow(mac) >>> 0],
      [efuse + 8, macHigh(mac)],
      [efuse + 12, word3],
      [efuse + 16, 0x0531], // ADC vref calibration present
      [efuse + 20, rev.major >= 2 ? 1 << 20 : 0],
      [efuse + 24, 0], // coding scheme None
      // APB_CTRL_DATE: bit 31 is revision bit 2 (ECO3).
      [0x3ff66000 + 0x7c, ((rev.major >= 3 ? 1 << 31 : 0) | 0x16042000) >>> 0],
      [0x60000078, 0x15122500], // UART_DATE_REG, as read in esptool traces
    ])
  },
}

const esp32s2: SimChip = {
  name: 'ESP32-S2',
  magic: 0x000007c6,
  imageChipId: 2,
  securityInfo: 'short',
  spi: { base: 0x3f402000, usr: 0x18, usr1: 0x1c, usr2: 0x20, w0: 0x58 },
  uartClkdivReg: 0x3f400014,
  syncValue: 0x20120707,
  defaultRevision: { major: 1, minor: 0 },
  bootloaderOffset: 0x1000,
  banner:
    'ESP-ROM:esp32s2-rc4-20191025\r\nBuild:Oct 25 2019\r\nrst:0x1 (POWERON),' +
    'boot:0x0 (DOWNLOAD(USB/UART0/1))\r\nwaiting for download\r\n',
  registers(mac, rev) {
    const block1 = 0x3f41a044
    return new Map([
      [block1, macLow(mac) >>> 0],
      [block1 + 4, macHigh(mac)],
      // word3: major at 18, minor high bit at 20, no embedded flash/PSRAM.
      [block1 + 12, ((rev.major & 0x3) << 18) | (((rev.minor >> 3) & 1) << 20)],
      // word4: package 0, minor low bits at 4.
      [block1 + 16, (rev.minor & 0x7) << 4],
    ])
  },
}

const esp32s3: SimChip = {
  name: 'ESP32-S3',
  magic: 0x00000009,
  imageChipId: 9,
  securityInfo: 'full',
  spi: { base: 0x60002000, usr: 0x18, usr1: 0x1c, usr2: 0x20, w0: 0x58 },
  uartClkdivReg: 0x60000014,
  syncValue: 0x20120707,
  defaultRevision: { major: 0, minor: 2 },
  bootloaderOffset: 0x0,
  banner:
    'ESP-ROM:esp32s3-20210327\r\nBuild:Mar 27 2021\r\nrst:0x1 (POWERON),' +
    'boot:0x0 (DOWNLOAD(USB/UART0))\r\nwaiting for download\r\n',
  registers: (mac, rev) => block1Chip(0x60007000, mac, rev),
}

const esp32c3: SimChip = {
  name: 'ESP32-C3',
  magic: 0x1b31506f,
  imageChipId: 5,
  securityInfo: 'full',
  spi: { base: 0x60002000, usr: 0x18, usr1: 0x1c, usr2: 0x20, w0: 0x58 },
  uartClkdivReg: 0x3ff40014,
  syncValue: 0x20120707,
  defaultRevision: { major: 0, minor: 4 },
  bootloaderOffset: 0x0,
  banner:
    'ESP-ROM:esp32c3-api1-20210207\r\nBuild:Feb  7 2021\r\nrst:0x1 (POWERON),' +
    'boot:0x7 (DOWNLOAD(USB/UART0/1))\r\nwaiting for download\r\n',
  registers: (mac, rev) => block1Chip(0x60008800, mac, rev),
}

const esp32c6: SimChip = {
  name: 'ESP32-C6',
  magic: 0x2ce0806f,
  imageChipId: 13,
  securityInfo: 'full',
  spi: { base: 0x60003000, usr: 0x18, usr1: 0x1c, usr2: 0x20, w0: 0x58 },
  uartClkdivReg: 0x3ff40014,
  syncValue: 0x20120707,
  defaultRevision: { major: 0, minor: 0 },
  bootloaderOffset: 0x0,
  banner:
    'ESP-ROM:esp32c6-20220919\r\nBuild:Sep 19 2022\r\nrst:0x1 (POWERON),' +
    'boot:0x4 (DOWNLOAD(USB/UART0/SDIO))\r\nwaiting for download\r\n',
  registers: (mac, rev) => block1Chip(0x600b0800, mac, rev),
}

const BY_NAME: Record<SimChipName, SimChip> = {
  ESP32: esp32,
  'ESP32-S2': esp32s2,
  'ESP32-S3': esp32s3,
  'ESP32-C3': esp32c3,
  'ESP32-C6': esp32c6,
}

/** Accepts `ESP32-S3`, `esp32s3`, `esp32-s3`. */
export function simChip(name: string): SimChip {
  const key = SIM_CHIPS.find(
    (chip) => chip.replace('-', '').toLowerCase() === name.replace('-', '').toLowerCase(),
  )
  if (!key) throw new Error(`unknown chip "${name}" (known: ${SIM_CHIPS.join(', ')})`)
  return BY_NAME[key]
}

export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/).map((part) => Number.parseInt(part, 16))
  if (parts.length !== 6 || parts.some((n) => !(n >= 0 && n <= 255))) {
    throw new Error(`bad MAC address "${text}"`)
  }
  return Uint8Array.from(parts)
}
