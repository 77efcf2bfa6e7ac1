/** What the board prints, byte for byte (shared/runtime/pyexec.c, ports/esp32/main.c). */

export interface BannerInfo {
  /** MICROPY_BANNER_NAME_AND_VERSION, e.g. "MicroPython v1.24.1 on 2024-11-29". */
  nameAndVersion: string
  /** MICROPY_BANNER_MACHINE, e.g. "Generic ESP32 module with ESP32". */
  machine: string
}

export const DEFAULT_BANNER: BannerInfo = {
  nameAndVersion: 'MicroPython v1.24.1 on 2024-11-29',
  machine: 'Generic ESP32 module with ESP32',
}

/** pyexec_friendly_repl(): printed at friendly_repl_reset, before the first prompt. */
export function bannerText(banner: BannerInfo): string {
  return `${banner.nameAndVersion}; ${banner.machine}\r\nType "help()" for more information.\r\n`
}

export const PS1 = '>>> '
export const PS2 = '... '
export const RAW_REPL_BANNER = 'raw REPL; CTRL-B to exit\r\n'
export const SOFT_REBOOT = 'MPY: soft reboot\r\n'
export const PASTE_MODE_BANNER = '\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== '

/** What an interrupted `while True:` loop in main.py leaves on the console. */
export const MAIN_INTERRUPTED =
  'Traceback (most recent call last):\r\n' +
  '  File "main.py", line 9, in <module>\r\n' +
  'KeyboardInterrupt: \r\n'

/**
 * A power-on as a host sees it: line noise while the USB-UART settles (containing
 * bytes a naive client could mistake for protocol: '>', 'OK', 0x04), then the ESP32
 * ROM bootloader's log and the second-stage loader's.
 */
export const BOOT_NOISE = Buffer.concat([
  Buffer.from([0x00, 0xff, 0x3e, 0x1c, 0x04, 0x8a, 0x4f, 0x4b, 0xe0, 0x3e, 0x04, 0xfe, 0x0d]),
  Buffer.from(
    'ets Jul 29 2019 12:21:46\r\n\r\n' +
      'rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)\r\n' +
      'configsip: 0, SPIWP:0xee\r\n' +
      'clk_drv:0x00,q_drv:0x00,d_drv:0x00,cs0_drv:0x00,hd_drv:0x00,wp_drv:0x00\r\n' +
      'mode:DIO, clock div:2\r\n' +
      'load:0x3fff0030,len:4728\r\n' +
      'load:0x40078000,len:14876\r\n' +
      'ho 0 tail 12 room 4\r\n' +
      'load:0x40080400,len:3368\r\n' +
      'entry 0x400805e4\r\n',
  ),
  Buffer.from([0xc3, 0x28, 0x3e, 0x00, 0x0d, 0x0a]),
])
