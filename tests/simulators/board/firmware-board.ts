import type { ChildProcess } from 'node:child_process'
import { SIM_WIFI } from './board-simulator'
import { forkFirmware } from './firmware-fork'
import type { ChildMessage } from './firmware-process'

/**
 * A board already set up (MicroPython flashed, firmware installed) without its serial side:
 * the same firmware process as BoardSimulator runs on a flash kept here, which survives
 * resets and power cuts. BoardSimulator's REPL allows one MicroPython per process; this one
 * is a child process per board, so a test can run a fleet (e.g. ten boards updated at once).
 */
export class FirmwareBoard {
  private child: ChildProcess | null = null
  private closed = false
  readonly output: string[] = []
  resets = 0

  constructor(
    readonly flash: Map<string, Buffer>,
    private readonly opts: { mac: string; speed: number; log?: (line: string) => void },
  ) {}

  start(): void {
    const child = forkFirmware(this.flash, {
      ap: { ...SIM_WIFI },
      mac: this.opts.mac.replace(/:/g, ''),
      speed: this.opts.speed,
    })
    this.child = child
    child.stderr?.on('data', (d: Buffer) => this.line(`stderr: ${d.toString().trim()}`))
    child.on('message', (m: ChildMessage) => {
      if (this.child !== child) return // a process already cut off: its writes never landed
      if (m.type === 'out') this.line(m.text.trimEnd())
      else if (m.type === 'fs') {
        for (const [path, data] of Object.entries(m.files)) {
          if (data === null) this.flash.delete(path)
          else this.flash.set(path, Buffer.from(data, 'base64'))
        }
      } else if (m.type === 'reset') this.powerCycle()
    })
  }

  /** Power off and on again: the firmware process dies wherever it is; the flash stays. */
  powerCycle(): void {
    this.child?.kill('SIGKILL')
    this.child = null
    this.resets++
    if (!this.closed) this.start()
  }

  private line(text: string): void {
    this.output.push(text)
    this.opts.log?.(text)
  }

  close(): void {
    this.closed = true
    this.child?.kill('SIGKILL')
    this.child = null
  }
}
