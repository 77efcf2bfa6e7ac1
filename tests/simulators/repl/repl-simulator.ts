import { rmdir } from 'node:fs/promises'
import { SerialPort } from 'serialport'
import { createPtyPair, type PtyPair } from '../pty'
import { MicroPythonVm } from './micropython-vm'
import {
  DEFAULT_DEVICE_OPTIONS,
  type ReplDeviceOptions,
  type ReplDeviceStats,
} from './device-options'
import { ReplDevice } from './repl-device'
import type { FsFaults } from './wasm-fs'

export interface ReplSimulatorOptions extends Partial<ReplDeviceOptions> {
  /** The pty end the simulated board serves. */
  devicePath: string
  /** Files on the flash before power-on, e.g. { '/main.py': 'print(1)' }. */
  files?: Record<string, string | Uint8Array>
  faults?: FsFaults
  /** Record every byte the board sent (for tests that assert on exact bytes). */
  recordOutput?: boolean
}

/**
 * A MicroPython board on a serial line: a ReplDevice (real MicroPython in wasm, real
 * raw REPL protocol) served on one end of a pty pair with node-serialport.
 */
export class ReplSimulator {
  readonly faults: FsFaults
  /** All bytes sent to the host (when recordOutput is on). */
  readonly sent: Buffer[] = []
  readonly device: ReplDevice
  private readonly port: SerialPort
  private closed = false

  private constructor(device: ReplDevice, port: SerialPort) {
    this.device = device
    this.port = port
    this.faults = device.faults
  }

  static async start(options: ReplSimulatorOptions): Promise<ReplSimulator> {
    const { devicePath, files = {}, faults = {}, recordOutput = false, ...rest } = options
    const deviceOptions: ReplDeviceOptions = { ...DEFAULT_DEVICE_OPTIONS, ...rest }
    const port = new SerialPort({ path: devicePath, baudRate: 115200, autoOpen: false })
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(error) : resolve())),
    )
    const { mac, without } = deviceOptions
    const vm = await MicroPythonVm.boot({ faults, mac, without })
    const simulator: { current?: ReplSimulator } = {}
    const device = new ReplDevice(vm, deviceOptions, faults, (bytes) => {
      if (recordOutput) simulator.current?.sent.push(bytes)
      if (port.isOpen) port.write(bytes)
    })
    const sim = new ReplSimulator(device, port)
    simulator.current = sim
    for (const [path, data] of Object.entries(files)) sim.writeFile(path, data)
    port.on('data', (chunk: Buffer) => device.feed(chunk))
    // Unplugging (socat killed) closes our end too; the board just stops.
    port.on('error', () => undefined)
    await device.hardReset()
    return sim
  }

  get stats(): ReplDeviceStats {
    return this.device.stats
  }

  get options(): ReplDeviceOptions {
    return this.device.options
  }

  /** Reads a file from the simulated flash; undefined when it does not exist. */
  readFile(path: string): Buffer | undefined {
    const fs = this.device.machine.fs
    try {
      return Buffer.from(fs.readFile(path))
    } catch {
      return undefined
    }
  }

  writeFile(path: string, data: string | Uint8Array): void {
    const fs = this.device.machine.fs
    const parts = path.split('/').filter(Boolean)
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`
      try {
        fs.mkdir(dir)
      } catch {
        // exists
      }
    }
    fs.writeFile(path, typeof data === 'string' ? Buffer.from(data) : data)
  }

  /** Deletes a file from the simulated flash (nothing when it does not exist). */
  removeFile(path: string): void {
    try {
      this.device.machine.fs.unlink(path)
    } catch {
      // already gone
    }
  }

  /** Every file on the flash: path → content. */
  files(): Map<string, Buffer> {
    const snapshot = this.device.machine.snapshot()
    return new Map([...snapshot.files].map(([path, data]) => [path, Buffer.from(data)]))
  }

  /**
   * Runs Python in the board's interpreter (as if typed at its REPL, but out of band):
   * for tests that check what the board would see, e.g. `import secrets`.
   */
  runPython(source: string): { stdout: string; exception: string } {
    const outcome = this.device.machine.exec(source, { kind: 'stdin' })
    return { stdout: outcome.stdout.toString('utf8'), exception: outcome.exception.toString() }
  }

  /** Presses the reset button. */
  hardReset(): Promise<void> {
    return this.device.hardReset()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.device.close()
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()))
  }
}

/** A simulated board plus the host path to open, and one close() for both. */
export interface SimulatedBoard {
  sim: ReplSimulator
  pty: PtyPair
  hostPath: string
  close(): Promise<void>
}

let counter = 0

export async function startSimulatedBoard(
  options: Omit<ReplSimulatorOptions, 'devicePath'> & { dir?: string } = {},
): Promise<SimulatedBoard> {
  const dir = options.dir ?? `/tmp/repl-sim-${process.pid}`
  const id = `${Date.now().toString(36)}-${counter++}`
  const pty = await createPtyPair({
    devicePath: `${dir}/board-${id}`,
    hostPath: `${dir}/host-${id}`,
  })
  try {
    const sim = await ReplSimulator.start({ ...options, devicePath: pty.devicePath })
    return {
      sim,
      pty,
      hostPath: pty.hostPath,
      close: async () => {
        await sim.close()
        await pty.kill()
        await rmdir(dir).catch(() => undefined) // only once empty: other boards may share it
      },
    }
  } catch (error) {
    await pty.kill()
    throw error
  }
}
