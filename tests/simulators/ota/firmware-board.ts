/**
 * A board running the real firmware in a child process (firmware-board-process.ts), set up
 * as the installer leaves it: firmware/ files, config.json for the broker, secrets.py with
 * its broker login and OTA_KEY. Its flash survives the resets an update makes.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { baseConfig, FIRMWARE_DIR, firmwareSources } from '../../firmware/harness'
import type { FirmwareBoardJob, FirmwareBoardMessage } from './firmware-board-process'

const RUNNER = fileURLToPath(new URL('./firmware-board-process.ts', import.meta.url))
const TS_REGISTER = fileURLToPath(new URL('../ts-register.mjs', import.meta.url))
const AP = { ssid: 'lab', password: 'lab-wifi-pass' }

export interface FirmwareBoardOptions {
  id: string
  /** 0–255, makes the MAC unique. */
  index: number
  broker: { host: string; port: number }
  login: { username: string; password: string } | null
  /** OTA_KEY in secrets.py; null = a board installed before updates existed. */
  otaKey: string | null
  /** Fake ms per real ms (the trial's 30 s online pass quicker). Default 5. */
  speed?: number
  log?: (line: string) => void
}

export class FirmwareBoard {
  readonly output: string[] = []
  readonly boots: Array<{ n: number; result: string }> = []
  private constructor(
    readonly id: string,
    private readonly child: ChildProcess,
  ) {}

  static start(options: FirmwareBoardOptions): FirmwareBoard {
    const child = fork(RUNNER, [], {
      execArgv: [
        '--disable-warning=ExperimentalWarning',
        '--experimental-transform-types',
        '--import',
        TS_REGISTER,
      ],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    })
    const board = new FirmwareBoard(options.id, child)
    child.stderr?.on('data', (d: Buffer) => options.log?.(`[${options.id} stderr] ${d}`))
    child.on('message', (m: FirmwareBoardMessage) => {
      if (m.type === 'out') {
        board.output.push(m.text)
        options.log?.(`[${options.id}] ${m.text}`)
      } else board.boots.push({ n: m.n, result: m.result })
    })
    const job: FirmwareBoardJob = {
      files: Object.fromEntries(
        Object.entries(boardImage(options)).map(([p, data]) => [p, data.toString('base64')]),
      ),
      ap: AP,
      mac: `240ac4a100${options.index.toString(16).padStart(2, '0')}`,
      speed: options.speed ?? 5,
    }
    child.send({ type: 'start', ...job })
    return board
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGKILL')
    await exited
  }
}

/** The board's filesystem as the installer writes it. */
export function boardImage(options: FirmwareBoardOptions): Record<string, Buffer> {
  const files: Record<string, Buffer> = {}
  for (const rel of firmwareSources()) files[`/${rel}`] = readFileSync(join(FIRMWARE_DIR, rel))
  const config = baseConfig({
    device_id: options.id,
    name: options.id,
    mqtt: {
      host: options.broker.host,
      port: options.broker.port,
      tls: false,
      keepalive: 30,
      qos: 1,
    },
    report: { interval_s: 60, delta_t: 0.5, delta_h: 1.0, max_silence_s: 3600 },
  })
  files['/config.json'] = Buffer.from(JSON.stringify(config))
  files['/secrets.py'] = Buffer.from(
    [
      `WIFI_SSID = "${AP.ssid}"`,
      `WIFI_PASSWORD = "${AP.password}"`,
      `MQTT_USER = "${options.login?.username ?? ''}"`,
      `MQTT_PASSWORD = "${options.login?.password ?? ''}"`,
      ...(options.otaKey ? [`OTA_KEY = "${options.otaKey}"`] : []),
      '',
    ].join('\n'),
  )
  return files
}
