/**
 * An UpdateService on a real aedes broker with an app client, a presence tracker fed by the
 * boards' retained status/info (what the device registry does in the app) and fake boards.
 */
import { createServer, type AddressInfo, type Server } from 'node:net'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import type { OtaJob } from '../../../src/shared/contract/ota'
import { generateOtaKey } from '../../../src/shared/ota/node'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { UpdateService, type UpdateServiceOptions } from '../../../src/main/core/ota/update-service'
import { FakeOtaBoard, type FakeOtaBoardOptions } from '../../simulators/ota/fake-ota-board'
import { tempDir } from '../../helpers/temp-dir'

export class OtaHarness {
  url = ''
  service!: UpdateService
  readonly boards = new Map<string, FakeOtaBoard>()
  readonly keys = new Map<string, string>()
  readonly jobs: OtaJob[] = []
  readonly presence = new Map<string, { online: boolean | null; fw: string | null }>()
  /** Every chunk publish the app made: [device, seq-less count] for load checks. */
  chunksSent = 0
  firmwareDir = ''
  private broker!: Aedes
  private server!: Server
  private app!: MqttClient
  private cleanup: (() => Promise<void>) | null = null
  private readonly listeners = new Set<(id: string) => void>()

  /** Starts broker, app client and service with a firmware folder at `version`. */
  async start(version = '0.2.0', options: Partial<UpdateServiceOptions> = {}): Promise<void> {
    const dir = await tempDir('iotcc-ota-')
    this.cleanup = dir.cleanup
    this.firmwareDir = await writeFirmware(dir.path, version)
    this.broker = await Aedes.createBroker()
    this.server = createServer(this.broker.handle)
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `mqtt://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    this.app = await connectAsync(this.url, { clientId: 'app' })
    this.app.on('message', (topic, payload, packet) => {
      const [, id, kind] = topic.split('/')
      if (id && (kind === 'status' || kind === 'info') && topic.split('/').length === 3) {
        const p = this.presence.get(id) ?? { online: null, fw: null }
        if (kind === 'status') p.online = payload.toString() === 'online'
        else p.fw = (JSON.parse(payload.toString()) as { fw?: string }).fw ?? null
        this.presence.set(id, p)
        for (const l of this.listeners) l(id)
      }
      this.service.handleMessage({
        topic,
        payload,
        qos: packet.qos,
        retain: packet.retain,
        receivedAt: Date.now(),
        source: 'test',
      })
    })
    await this.app.subscribeAsync(['iot/+/status', 'iot/+/info', 'iot/+/event', 'iot/+/ota/status'])
    this.service = new UpdateService({
      clock: systemClock,
      logger: silentLogger,
      prefix: () => 'iot',
      firmwareDir: this.firmwareDir,
      keyOf: (id) => this.keys.get(id) ?? null,
      emit: (job) => this.jobs.push(job),
      presence: {
        state: (id) => this.presence.get(id),
        ours: () => [...this.presence.keys()].sort(),
        onChange: (l) => {
          this.listeners.add(l)
          return () => this.listeners.delete(l)
        },
      },
      publish: async (_id, topic, payload) => {
        if (topic.endsWith('/chunk')) this.chunksSent++
        await this.app.publishAsync(topic, payload, { qos: 1 })
      },
      resendAfterMs: 400,
      emitEveryMs: 20,
      chunkSize: 256,
      ...options,
    })
  }

  /** A connected fake board whose key the app knows (unless `appKnowsKey` is false). */
  async board(
    id: string,
    options: Partial<FakeOtaBoardOptions> & { appKnowsKey?: boolean; connect?: boolean } = {},
  ): Promise<FakeOtaBoard> {
    const key = options.key === undefined ? generateOtaKey() : options.key
    if (key && options.appKnowsKey !== false) this.keys.set(id, key)
    const board = new FakeOtaBoard({ url: this.url, id, version: '0.1.0', ...options, key })
    this.boards.set(id, board)
    if (options.connect !== false) {
      await board.connect()
      await this.until(() => this.presence.get(id)?.online === true, `${id} online`)
    }
    return board
  }

  /** The job's latest snapshot once `done(job)` holds. */
  async jobUntil(id: string, done: (job: OtaJob) => boolean, what: string, ms = 20_000) {
    let found: OtaJob | undefined
    await this.until(
      () => {
        found = this.service.list().find((j) => j.id === id)
        return found !== undefined && done(found)
      },
      what,
      ms,
    )
    return found!
  }

  async until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  async stop(): Promise<void> {
    this.service?.close()
    for (const board of this.boards.values()) await board.close()
    await this.app?.endAsync()
    await new Promise<void>((resolve) => this.broker.close(() => resolve()))
    this.server.close()
    await this.cleanup?.()
  }
}

/** A small firmware folder: main.py and lib/iotfw/** at `version` (about 3 KB, 12 chunks of 256). */
export async function writeFirmware(root: string, version: string): Promise<string> {
  const dir = join(root, `fw-${version}`)
  await mkdir(join(dir, 'lib', 'iotfw'), { recursive: true })
  await writeFile(join(dir, 'main.py'), 'import iotfw.app\niotfw.app.main()\n')
  await writeFile(join(dir, 'lib/iotfw/__init__.py'), `VERSION = "${version}"\n`)
  const body = Array.from({ length: 60 }, (_, i) => `# line ${i} of the app ${version}\n`).join('')
  await writeFile(join(dir, 'lib/iotfw/app.py'), `def main():\n    pass\n${body}`)
  await writeFile(join(dir, 'lib/iotfw/sensor.py'), body.toUpperCase())
  return dir
}

export function device(job: OtaJob, id: string) {
  const d = job.devices.find((x) => x.id === id)
  if (!d) throw new Error(`${id} is not in ${job.id}`)
  return d
}

export const ended = (job: OtaJob): boolean => job.state !== 'running'
