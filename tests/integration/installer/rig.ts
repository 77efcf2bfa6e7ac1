import { join, resolve } from 'node:path'
import { createLogger } from '../../../src/main/core/base/logger'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { SerialPortScanner } from '../../../src/main/core/flasher'
import type { InstallerOptions } from '../../../src/main/core/installer/create-installer'
import type {
  CallOutcome,
  EventName,
  EventPayload,
  MethodName,
  MethodParams,
  MethodResult,
} from '../../../src/shared/api'
import type { InstallProgress } from '../../../src/shared/contract/installer'
import { tempDir } from '../../helpers/temp-dir'
import { BoardSimulator, type BoardOptions } from '../../simulators/board/board-simulator'
import { buildMicroPythonLikeFirmware } from '../../simulators/esp32-rom/firmware-image'

export const FIRMWARE_DIR = resolve(__dirname, '../../../firmware')
/** Secrets with characters that need escaping in Python and JSON, to catch leaks in any form. */
export const WIFI = { ssid: 'lab "5G"', password: 'pa$$w0rd-"quoted"\\-ünï' }

/** Short waits: the simulated board answers in milliseconds. */
const FAST_REPL = {
  interruptGapMs: 20,
  quietMs: 40,
  settleMaxMs: 400,
  enterTimeoutMs: 600,
  execTimeoutMs: 5000,
}

export interface Rig {
  core: Core
  board: BoardSimulator
  /** The simulated board's serial port, as the app opens it. */
  port: string
  progress: InstallProgress[]
  /** Every event payload and log line, serialised, for secret-leak checks. */
  transcript: string[]
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>>
  /** The error a call fails with (code + message); throws if it succeeds. */
  failure(method: MethodName, params: unknown): Promise<{ code: string; message: string }>
  importImage(bytes: Uint8Array, name?: string): Promise<string>
  next<E extends EventName>(
    event: E,
    check: (p: EventPayload<E>) => boolean,
    timeoutMs?: number,
  ): Promise<EventPayload<E>>
  stop(): Promise<void>
}

export interface RigOptions {
  board?: Partial<BoardOptions>
  installer?: Partial<InstallerOptions>
}

export async function startRig(options: RigOptions = {}): Promise<Rig> {
  const dir = await tempDir('installer-')
  const transcript: string[] = []
  const logger = createLogger({
    level: 'debug',
    sink: (line) => void transcript.push(JSON.stringify(line)),
  })
  const port = join(dir.path, 'ttyUSB0')
  const board = await BoardSimulator.start({
    hostPath: port,
    wifi: { ssid: WIFI.ssid, password: WIFI.password },
    speed: 20,
    ...(process.env.BOARD_LOG ? { log: (l: string) => void process.stderr.write(`${l}\n`) } : {}),
    ...options.board,
  })
  const core = await createCore({
    dataDir: join(dir.path, 'data'),
    shell: 'web',
    version: 'test',
    logger,
    mqtt: { brokerPort: 0, backoff: { initialMs: 100, maxMs: 400 } },
    firmwareDir: FIRMWARE_DIR,
    installer: {
      advertisedHost: '127.0.0.1',
      onlineTimeoutMs: 20_000,
      replWaitMs: 6000,
      flasher: {
        connectAttempts: 2,
        stallTimeoutMs: 1500,
        presencePollMs: 50,
        scanner: new SerialPortScanner({ list: () => Promise.reject(new Error('no udevadm')) }),
      },
      provisioning: { repl: FAST_REPL },
      ...options.installer,
    },
  })
  const progress: InstallProgress[] = []
  core.events.onAny((name, payload) => {
    transcript.push(JSON.stringify({ name, payload }))
    if (name === 'installer.progress') progress.push(payload as InstallProgress)
  })
  const call = async <M extends MethodName>(
    method: M,
    params: MethodParams<M>,
  ): Promise<MethodResult<M>> => {
    const outcome: CallOutcome = await core.call(method, params)
    transcript.push(JSON.stringify(outcome))
    if (!outcome.ok)
      throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code })
    return outcome.result as MethodResult<M>
  }
  const rig: Rig = {
    core,
    board,
    port,
    progress,
    transcript,
    call,
    async failure(method, params) {
      const outcome = await core.call(method, params)
      transcript.push(JSON.stringify(outcome))
      if (outcome.ok) throw new Error(`${method} succeeded`)
      return outcome.error
    },
    async importImage(bytes, name = 'micropython.bin') {
      const { uploadId, chunkBytes } = await call('firmware.importBegin', {
        name,
        size: bytes.length,
      })
      for (let at = 0, index = 0; at < bytes.length; at += chunkBytes, index++) {
        const data = Buffer.from(bytes.subarray(at, at + chunkBytes)).toString('base64')
        await call('firmware.importChunk', { uploadId, index, data })
      }
      return (await call('firmware.importFinish', { uploadId })).localId
    },
    next(event, check, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off()
          reject(new Error(`no ${event} event matching`))
        }, timeoutMs)
        const off = core.events.on(event, (payload) => {
          if (!check(payload)) return
          clearTimeout(timer)
          off()
          resolve(payload)
        })
      })
    },
    async stop() {
      await core.close()
      await board.close()
      await dir.cleanup()
    },
  }
  return rig
}

/** A small MicroPython-like merged image for the board's chip (fast to flash). */
export function testImage(chip = 'ESP32'): Uint8Array {
  return buildMicroPythonLikeFirmware({ chip, appSize: 16 * 1024, version: 'v1.25.0' })
}

/** installer.run params for the rig's board, with the embedded broker. */
export function installParams(rig: Rig, localId: string, over: Record<string, unknown> = {}) {
  return {
    port: rig.port,
    firmware: { localId },
    device: { name: 'Living room' },
    wifi: { ssid: WIFI.ssid, password: WIFI.password },
    broker: { kind: 'embedded' as const },
    sensor: { type: 'DHT22' as const, pin: 4 },
    ...over,
  }
}
