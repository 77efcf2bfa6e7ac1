import type { ChildProcess } from 'node:child_process'
import { parseMac, simChip, type SimChip } from '../esp32-rom/chips'
import { FlashMemory } from '../esp32-rom/flash-memory'
import { Esp32RomSimulator, type SimFaults } from '../esp32-rom/simulator'
import { createPtyPair, type PtyPair } from '../pty'
import type { ReplDeviceOptions } from '../repl/device-options'
import { ReplSimulator } from '../repl/repl-simulator'
import { checkBoot } from './boot-check'
import { forkFirmware } from './firmware-fork'
import type { ChildMessage } from './firmware-process'

/** How often a board without a bootable image resets and prints its complaint again. */
const BOOT_LOOP_MS = 700

export interface BoardOptions {
  /** The path the app opens (like /dev/ttyUSB0); the board serves `${hostPath}.board`. */
  hostPath: string
  /** `ESP32` (default), `ESP32-S2`, `ESP32-S3`, `ESP32-C3`, `ESP32-C6`. */
  chip?: string
  mac?: string
  flashSize?: number
  /** Faults of the ROM bootloader (no sync, vanish at block n, …). */
  romFaults?: SimFaults
  /** MicroPython REPL behaviour (e.g. refuseRawRepl). */
  repl?: Partial<Omit<ReplDeviceOptions, 'mac' | 'mainPy' | 'loop'>>
  /** The Wi-Fi access point the board can join. */
  wifi?: { ssid: string; password: string }
  /** 'real': main.py runs the real firmware in a child process; 'none': main.py does nothing visible. */
  firmware?: 'real' | 'none'
  /** Fake firmware milliseconds per real millisecond (default 1). */
  speed?: number
  log?: (line: string) => void
}

export type BoardMode = 'rom' | 'boot-loop' | 'micropython' | 'off'

/**
 * The access point a simulated board joins unless told otherwise. The password is one the
 * Installer's form accepts (WPA passphrases have 8 to 63 characters), so the documented
 * walkthrough (docs/installer.md) gets through it.
 */
export const SIM_WIFI: Readonly<{ ssid: string; password: string }> = {
  ssid: 'lab',
  password: 'lab-wifi-pass',
}

/**
 * A whole ESP32 dev board behind ONE serial pty, as the installer meets it: it starts in
 * the ROM bootloader (download mode, tests/simulators/esp32-rom); when the flasher runs
 * the user code, it boots what is in its flash: a MicroPython image becomes a MicroPython
 * REPL on the same pty (tests/simulators/repl, real MicroPython wasm), anything else the
 * ROM's boot loop. Once the installer soft-resets into main.py, the real firmware runs
 * (firmware-process.ts) and talks MQTT to the broker named in its config.json.
 * Flash and filesystem survive resets and replugging.
 */
export class BoardSimulator {
  readonly chip: SimChip
  readonly flash: FlashMemory
  readonly mac: string
  private readonly options: BoardOptions
  private pty: PtyPair
  private rom: Esp32RomSimulator | null = null
  private repl: ReplSimulator | null = null
  private files: Record<string, Uint8Array> = {}
  private bootLoop: NodeJS.Timeout | null = null
  private firmware: ChildProcess | null = null
  private state: BoardMode = 'off'
  private readonly waiters: Array<{ mode: BoardMode; resolve: () => void }> = []
  /** Lines the firmware printed, for tests. */
  readonly firmwareOutput: string[] = []

  private constructor(options: BoardOptions, pty: PtyPair) {
    this.options = options
    this.pty = pty
    this.chip = simChip(options.chip ?? 'ESP32')
    this.flash = new FlashMemory(options.flashSize ?? 4 * 1024 * 1024)
    this.mac = options.mac ?? '24:0a:c4:a1:b2:c3'
  }

  static async start(options: BoardOptions): Promise<BoardSimulator> {
    const pty = await createPtyPair({
      devicePath: `${options.hostPath}.board`,
      hostPath: options.hostPath,
    })
    const board = new BoardSimulator(options, pty)
    await board.startRom(options.romFaults)
    return board
  }

  get hostPath(): string {
    return this.options.hostPath
  }

  get mode(): BoardMode {
    return this.state
  }

  /** The ROM simulator while in download mode (commands, faults). */
  get bootloader(): Esp32RomSimulator | null {
    return this.rom
  }

  /** The MicroPython side while it runs (files, runPython). */
  get micropython(): ReplSimulator | null {
    return this.repl
  }

  /** The board's filesystem now (MicroPython's VFS on the flash). */
  boardFiles(): Map<string, Buffer> {
    if (this.repl) return this.repl.files()
    return new Map(Object.entries(this.files).map(([p, d]) => [p, Buffer.from(d)]))
  }

  /** Resolves once the board is in `mode`. */
  until(mode: BoardMode): Promise<void> {
    if (this.state === mode) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ mode, resolve }))
  }

  /** EN pressed, with BOOT held (`download`) or not (`app`: boot what is in flash). */
  async pressReset(into: 'download' | 'app'): Promise<void> {
    if (into === 'download') {
      await this.stopMicroPython()
      if (this.rom) await this.rom.reset('download')
      else await this.startRom(this.options.romFaults)
      return this.setMode('rom')
    }
    if (this.repl) return this.repl.hardReset()
    await this.bootFromFlash()
  }

  /** Unplug and plug in again (e.g. after a vanish fault): same paths, same flash, download mode. */
  async replug(romFaults?: SimFaults): Promise<void> {
    await this.powerOff()
    this.pty = await createPtyPair({
      devicePath: `${this.hostPath}.board`,
      hostPath: this.hostPath,
    })
    await this.startRom(romFaults)
  }

  async close(): Promise<void> {
    await this.powerOff()
  }

  private async startRom(faults: SimFaults | undefined): Promise<void> {
    const rom = await Esp32RomSimulator.start({
      path: this.pty.devicePath,
      chip: this.chip.name,
      mac: this.mac,
      flash: this.flash,
      pty: this.pty,
      ...(faults ? { faults } : {}),
      ...(this.options.log ? { log: this.options.log } : {}),
    })
    this.rom = rom
    rom.on('app-started', () => void this.bootFromFlash())
    rom.on('vanished', () => this.setMode('off'))
    this.setMode('rom')
  }

  /** The ROM left download mode: run MicroPython if the flash holds it, else boot-loop. */
  private async bootFromFlash(): Promise<void> {
    const check = checkBoot(this.flash, this.chip)
    if (!check.ok) {
      this.log(`boot failed: ${check.line}`)
      this.setMode('boot-loop')
      this.bootLoop ??= setInterval(() => void this.rom?.reset('app'), BOOT_LOOP_MS)
      return
    }
    this.stopBootLoop()
    const rom = this.rom
    this.rom = null
    await rom?.close()
    this.log(`booting ${check.project} ${check.version}`)
    this.repl = await ReplSimulator.start({
      devicePath: this.pty.devicePath,
      files: this.files,
      ...this.options.repl,
      mac: parseMac(this.mac),
      banner: {
        nameAndVersion: `MicroPython ${check.version} on 2025-04-15`,
        machine: `Generic ${this.chip.name} module with ${this.chip.name}`,
      },
      mainPy: 'loop',
      loop: {
        intervalMs: 0,
        line: () => '',
        swallowInterrupts: 0,
        onStart: (print) => this.startFirmware(print),
      },
    })
    this.setMode('micropython')
  }

  /** main.py started: run the real firmware on what is in the filesystem now. */
  private startFirmware(print: (bytes: string) => void): (() => void) | undefined {
    if ((this.options.firmware ?? 'real') === 'none') return undefined
    const files = this.repl ? Object.fromEntries(this.repl.files()) : this.files
    const child = forkFirmware(Object.entries(files), {
      ap: this.options.wifi ?? { ...SIM_WIFI },
      mac: this.mac.replace(/:/g, ''),
      speed: this.options.speed ?? 1,
    })
    this.firmware = child
    child.stderr?.on('data', (chunk: Buffer) =>
      this.log(`firmware stderr: ${chunk.toString().trim()}`),
    )
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'out') {
        this.firmwareOutput.push(message.text.trimEnd())
        print(message.text)
      } else if (message.type === 'fs') {
        if (this.firmware === child) this.applyWrites(message.files)
      } else if (message.type === 'reset') {
        this.log(`firmware reset: ${message.reason}`)
        void this.repl?.hardReset()
      }
    })
    return () => {
      child.kill('SIGKILL')
      if (this.firmware === child) this.firmware = null
    }
  }

  /** What the firmware wrote reaches the flash (base64 content, or null: removed). */
  private applyWrites(files: Record<string, string | null>): void {
    const repl = this.repl
    if (!repl) return
    for (const [path, data] of Object.entries(files)) {
      if (data !== null) repl.writeFile(path, Buffer.from(data, 'base64'))
      else repl.removeFile(path)
    }
  }

  private async stopMicroPython(): Promise<void> {
    const repl = this.repl
    if (!repl) return
    this.repl = null
    this.files = Object.fromEntries(repl.files())
    await repl.close() // ends main.py, so the firmware process too
  }

  private async powerOff(): Promise<void> {
    this.stopBootLoop()
    await this.stopMicroPython()
    this.firmware?.kill('SIGKILL')
    this.firmware = null
    const rom = this.rom
    this.rom = null
    await rom?.close()
    await this.pty.kill()
    this.setMode('off')
  }

  private stopBootLoop(): void {
    if (this.bootLoop) clearInterval(this.bootLoop)
    this.bootLoop = null
  }

  private setMode(mode: BoardMode): void {
    this.state = mode
    for (const waiter of this.waiters.filter((w) => w.mode === mode)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
  }

  private log(line: string): void {
    this.options.log?.(`[board] ${line}`)
  }
}
