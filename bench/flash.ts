/**
 * flash: the app's flasher (FlasherService → esptool-js, stub loader, 460800 baud) writing a
 * MicroPython-sized image to the simulated ESP32 behind a socat pty, the simulator in a
 * process of its own (`npm run sim:esp32`). Baseline: the image's compressed size ÷ the line
 * rate at the transfer baud (8N1: 10 bits a byte), what the wire alone would take. A pty has
 * no line rate, so a ratio under 1 is possible: it means the flasher's own overhead (stub
 * upload, sync, MD5 verify) is smaller than the wire time it does not pay here.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'
import { buildMicroPythonLikeFirmware } from '../tests/simulators/esp32-rom/firmware-image'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { nodeArgs, spawnRaised, stopChild, waitForLine } from './lib/child'
import { line } from './lib/stats'

interface Run {
  wallS: number
  /** Time spent in the `writing` stage alone. */
  writingS: number
  lineS: number
  baudRate: number
  usedStub: boolean
  stagesMs: Record<string, number>
}

const script = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url))

async function flashOnce(dir: string, imagePath: string, compressedBytes: number): Promise<Run> {
  const link = join(dir, 'ttyESP32')
  const sim = spawnRaised(
    process.execPath,
    [...nodeArgs(script('../tests/simulators/esp32-rom/cli.ts')), '--link', link],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  )
  try {
    await waitForLine(sim, /ttyESP32/, 30_000, 'sim:esp32')
    // The flasher's modules use parameter properties: Node must transform, not just strip, types.
    const flasher = spawnRaised(
      process.execPath,
      [
        '--experimental-transform-types',
        ...nodeArgs(script('./lib/flash-child.ts')),
        link,
        imagePath,
        join(dir, 'data'),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const [, json] = await waitForLine(flasher, /^RESULT (.*)$/, 300_000, 'flash-child')
    await stopChild(flasher, 5000)
    const r = JSON.parse(json!) as {
      wallMs: number
      stages: Record<string, number>
      baudRate: number
      usedStub: boolean
    }
    const writeStart = r.stages.writing
    const writeEnd = r.stages.verifying ?? r.stages.resetting
    return {
      wallS: r.wallMs / 1000,
      writingS:
        writeStart !== undefined && writeEnd !== undefined ? (writeEnd - writeStart) / 1000 : NaN,
      lineS: compressedBytes / (r.baudRate / 10),
      baudRate: r.baudRate,
      usedStub: r.usedStub,
      stagesMs: r.stages,
    }
  } finally {
    await stopChild(sim, 5000)
  }
}

const bench: BenchDefinition = {
  name: 'flash',
  description:
    'Flashing a MicroPython-sized image to the simulated ESP32 over a pty through the app’s flasher, vs the compressed image size ÷ line rate at the baud used.',
  async run(options: BenchOptions): Promise<BenchLine[]> {
    // A real MicroPython ESP32_GENERIC build is ~1.6 MB; the fixture's app part is code-like
    // pseudo-random bytes, so it compresses about as poorly as real code.
    const appSize = options.quick ? 256 * 1024 : 1536 * 1024
    const image = buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize })
    const imagePath = join(options.workDir, 'firmware.bin')
    await writeFile(imagePath, image)
    const compressed = deflateSync(image, { level: 9 }).length
    const runs: Run[] = []
    for (let rep = 1; rep <= options.repetitions; rep++) {
      const run = await flashOnce(join(options.workDir, `rep-${rep}`), imagePath, compressed)
      runs.push(run)
      options.log(
        `rep ${rep}: ${run.wallS.toFixed(2)} s (writing ${run.writingS.toFixed(2)} s) at ${run.baudRate} baud; wire alone ${run.lineS.toFixed(2)} s`,
      )
    }
    return [
      line(
        'flash.esp32',
        's',
        runs.map((r) => r.wallS),
        { name: 'compressed size ÷ line rate', values: runs.map((r) => r.lineS) },
        { imageBytes: image.length, compressedBytes: compressed, runs },
      ),
    ]
  },
}

export default bench
