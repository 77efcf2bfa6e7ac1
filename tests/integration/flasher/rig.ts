import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, silentLogger, type Logger } from '../../../src/main/core/base/logger'
import {
  FlasherService,
  SerialPortScanner,
  type FlashProgress,
  type FlasherServiceOptions,
} from '../../../src/main/core/flasher'
import { createPtyPair, type PtyPair } from '../../simulators/pty'
import { buildMicroPythonLikeFirmware } from '../../simulators/esp32-rom/firmware-image'
import type { FlashMemory } from '../../simulators/esp32-rom/flash-memory'
import { Esp32RomSimulator, type SimFaults } from '../../simulators/esp32-rom/simulator'

/**
 * A simulated board on a real socat pty pair, a FlasherService pointed at the other
 * end, and a MicroPython-like image for that chip written to a temp file.
 */
export interface Rig {
  dir: string
  pty: PtyPair
  sim: Esp32RomSimulator
  service: FlasherService
  image: Uint8Array
  imagePath: string
  progress: FlashProgress[]
  /** Power-cycles the board on the same paths, keeping its flash (after a vanish). */
  replug(faults?: SimFaults): Promise<void>
  stop(): Promise<void>
}

export interface RigOptions {
  chip?: string
  faults?: SimFaults
  appSize?: number
  service?: Partial<FlasherServiceOptions>
  /** Print esptool-js and simulator logs (debugging). */
  verbose?: boolean
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const chip = options.chip ?? 'ESP32'
  const dir = await mkdtemp(join(tmpdir(), 'flasher-'))
  const paths = { devicePath: join(dir, 'board.sim'), hostPath: join(dir, 'ttyUSB-sim') }
  const log = options.verbose ? (line: string) => process.stderr.write(`${line}\n`) : undefined
  const logger: Logger = options.verbose ? createLogger({ level: 'debug' }) : silentLogger
  let pty = await createPtyPair(paths)
  let sim = await Esp32RomSimulator.start({
    path: pty.devicePath,
    chip,
    pty,
    faults: options.faults,
    log,
  })
  const image = buildMicroPythonLikeFirmware({ chip, appSize: options.appSize ?? 48 * 1024 })
  const imagePath = join(dir, 'firmware.bin')
  await writeFile(imagePath, image)
  const service = new FlasherService({
    dataDir: join(dir, 'data'),
    logger,
    // No udevadm here: the scanner falls back to /dev scanning, which finds nothing.
    scanner: new SerialPortScanner({ list: () => Promise.reject(new Error('no udevadm')) }),
    connectAttempts: 2,
    stallTimeoutMs: 1500,
    presencePollMs: 50,
    ...options.service,
  })
  const progress: FlashProgress[] = []
  service.on('progress', (event) => progress.push(event))

  const rig: Rig = {
    dir,
    get pty() {
      return pty
    },
    get sim() {
      return sim
    },
    service,
    image,
    imagePath,
    progress,
    async replug(faults) {
      const flash: FlashMemory = sim.flash
      await sim.close()
      await pty.kill()
      pty = await createPtyPair(paths)
      sim = await Esp32RomSimulator.start({ path: pty.devicePath, chip, pty, faults, flash, log })
    },
    async stop() {
      service.close()
      await sim.close()
      await pty.kill()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return rig
}
