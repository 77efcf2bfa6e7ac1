import { DEFAULT_BANNER, type BannerInfo } from './board-text'

export interface MainLoopOptions {
  intervalMs: number
  /** The line the emulated main.py prints each tick. */
  line: (tick: number) => string
  /** How many Ctrl-C the program catches and carries on after (Infinity: never stops). */
  swallowInterrupts: number
  /**
   * Called when main.py starts, with a way to print on the console; the function it returns
   * is called when main.py ends (Ctrl-C, reset, power off). With intervalMs 0 no tick lines
   * are printed: the board simulator (tests/simulators/board) runs the real firmware elsewhere.
   */
  onStart?: (print: (bytes: string | Buffer) => void) => (() => void) | void
}

export interface ReplDeviceOptions {
  banner: BannerInfo
  /**
   * What happens to /main.py after a reset in friendly mode (ports/esp32/main.c):
   * 'run' executes boot.py and main.py in the VM (they must terminate: time.sleep blocks
   * the wasm VM); 'loop' emulates a main.py stuck in `while True:` that only Ctrl-C
   * stops; 'none' skips both.
   */
  mainPy: 'run' | 'loop' | 'none'
  loop: MainLoopOptions
  /** Raw-paste support (MicroPython >= 1.14); false answers like older firmware. */
  rawPaste: boolean
  /** Flow-control window: MICROPY_REPL_STDIN_BUFFER_MAX / 2 (128 on an ESP32). */
  pasteWindow: number
  /** Time the "parser" needs per window, so a host must wait for each 0x01. */
  pasteConsumeDelayMs: number
  refuseRawRepl: boolean
  /** Power-on/hard reset prints ROM-bootloader log and line noise first. */
  bootNoise: boolean
  /** How long the ROM stage lasts; bytes received meanwhile are lost. */
  romBootMs: number
  /** Delay before executing each command (slow board / busy filesystem). */
  responseDelayMs: number
  mac: Uint8Array
  /** Features the firmware build lacks, e.g. ['hashlib.sha256'] (see VmOptions.without). */
  without: string[]
}

export interface ReplDeviceStats {
  /** Bytes a host sent beyond its raw-paste window (they are dropped, as by a full UART buffer). */
  flowViolations: number
  droppedBytes: number
  rawPastes: number
  rawExecs: number
  softResets: number
  hardResets: number
  interrupts: number
}

export const DEFAULT_DEVICE_OPTIONS: ReplDeviceOptions = {
  banner: DEFAULT_BANNER,
  mainPy: 'run',
  loop: { intervalMs: 50, line: (tick) => `main.py: tick ${tick}`, swallowInterrupts: 0 },
  rawPaste: true,
  pasteWindow: 128,
  pasteConsumeDelayMs: 0,
  refuseRawRepl: false,
  bootNoise: false,
  romBootMs: 0,
  responseDelayMs: 0,
  mac: Uint8Array.from([0x24, 0x0a, 0xc4, 0xa1, 0xb2, 0xc3]),
  without: [],
}
