/**
 * One flash through the app's FlasherService, in a process of its own:
 *   flash-child.ts <port> <imagePath> <dataDir>
 * prints `RESULT <json>` (wall time, time per stage, baud, stub). Run with
 * --experimental-transform-types: the flasher's modules use parameter properties.
 */
import { silentLogger } from '../../src/main/core/base/logger'
import { FlasherService, SerialPortScanner } from '../../src/main/core/flasher/index'

const [port, imagePath, dataDir] = process.argv.slice(2)
if (!port || !imagePath || !dataDir)
  throw new Error('usage: flash-child.ts <port> <imagePath> <dataDir>')

const service = new FlasherService({
  dataDir,
  logger: silentLogger,
  // The port is given by path: no udevadm listing needed.
  scanner: new SerialPortScanner({ list: () => Promise.resolve([]) }),
})
const stages: Record<string, number> = {}
const started = performance.now()
service.on('progress', (p) => {
  stages[p.stage] ??= performance.now() - started
})
try {
  const result = await service.flash({ port, imagePath })
  const wallMs = performance.now() - started
  process.stdout.write(
    `RESULT ${JSON.stringify({ wallMs, stages, baudRate: result.baudRate, usedStub: result.usedStub, bytesWritten: result.bytesWritten })}\n`,
  )
} finally {
  service.close()
}
