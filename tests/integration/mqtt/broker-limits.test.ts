/**
 * Issue 12 items 8 and 9 with real sockets: packet size is capped before authentication
 * (a 200 MB CONNECT can't grow memory) and after it (a setting), and topic depth has a
 * stated limit the broker reports.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import type { Logger } from '../../../src/main/core/base/logger'
import { APP_USERNAME, CredentialStore } from '../../../src/main/core/broker/credential-store'
import {
  EmbeddedBroker,
  type EmbeddedBrokerConfig,
} from '../../../src/main/core/broker/embedded-broker'
import type { MqttMessage } from '../../../src/shared/mqtt-message'

interface Logged {
  level: string
  message: string
  fields?: Record<string, unknown>
}

class Setup {
  readonly dir = mkdtempSync(join(tmpdir(), 'iotcc-limits-'))
  readonly logs: Logged[] = []
  readonly published: MqttMessage[] = []
  readonly credentials: CredentialStore
  broker!: EmbeddedBroker
  private readonly logger: Logger

  constructor(private readonly config: Partial<EmbeddedBrokerConfig>) {
    const record =
      (level: string) =>
      (message: string, fields?: Record<string, unknown>): void =>
        void this.logs.push({ level, message, fields })
    this.logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
      child: () => this.logger,
    } as unknown as Logger
    this.credentials = new CredentialStore(this.dir, systemClock, this.logger)
  }

  get app(): { username: string; password: string } {
    return { username: APP_USERNAME, password: this.credentials.appPassword }
  }

  async start(): Promise<void> {
    await this.credentials.load()
    this.broker = new EmbeddedBroker({
      dataDir: this.dir,
      config: {
        port: 0,
        bindHost: '127.0.0.1',
        wsPort: null,
        tls: { enabled: false, port: 0 },
        allowAnonymousLoopback: false,
        ...this.config,
      },
      credentials: this.credentials,
      prefix: () => 'iot',
      clock: systemClock,
      logger: this.logger,
      onPublish: (message, release) => {
        this.published.push(message)
        release()
      },
    })
    await this.broker.start()
  }

  async destroy(): Promise<void> {
    await this.broker.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

const setups: Setup[] = []
const clients: MqttClient[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)))
  await Promise.all(setups.splice(0).map((s) => s.destroy()))
})

async function setup(config: Partial<EmbeddedBrokerConfig> = {}): Promise<Setup> {
  const s = new Setup(config)
  setups.push(s)
  await s.start()
  return s
}

async function client(s: Setup, options: IClientOptions): Promise<MqttClient> {
  const c = await connectAsync(s.broker.localUrl, { reconnectPeriod: 0, ...options })
  clients.push(c)
  return c
}

function closed(c: MqttClient): Promise<void> {
  return new Promise((resolve) => c.once('close', () => resolve()))
}

/** Remaining Length (MQTT 3.1.1 §2.2.3): 7 bits a byte, least significant first. */
function remainingLength(n: number): Buffer {
  const bytes: number[] = []
  do {
    let byte = n % 128
    n = Math.floor(n / 128)
    if (n > 0) byte |= 0x80
    bytes.push(byte)
  } while (n > 0)
  return Buffer.from(bytes)
}

/**
 * Announces a CONNECT of `announced` bytes, then streams up to `streamed` bytes of it in
 * 64 KiB writes until the broker closes the socket. Returns how much was written by then.
 */
function streamHugeConnect(port: number, announced: number, streamed: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = new Socket()
    let written = 0
    let done = false
    const finish = (): void => {
      if (done) return
      done = true
      socket.destroy()
      resolve(written)
    }
    socket.on('error', finish)
    socket.on('close', finish)
    const block = Buffer.alloc(64 * 1024, 0x61)
    const pump = (): void => {
      while (!done && written < streamed) {
        written += block.length
        if (!socket.write(block)) return void socket.once('drain', pump)
      }
      if (written >= streamed) setTimeout(finish, 500)
    }
    socket.connect(port, '127.0.0.1', () => {
      // Fixed header of a CONNECT announcing `announced` bytes, then the start of a valid one.
      socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(announced)]))
      socket.write(Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0xc2, 0, 30]))
      pump()
    })
  })
}

describe('packet size limits (issue 12 item 8)', () => {
  it('closes an unauthenticated 200 MB CONNECT after its header: memory stays flat', async () => {
    const s = await setup()
    global.gc?.()
    const before = process.memoryUsage().rss
    const written = await streamHugeConnect(s.broker.tcpPort, 200 * 1024 * 1024, 64 * 1024 * 1024)
    const grown = process.memoryUsage().rss - before
    // Kernel socket buffers take a few MB before the reset arrives; aedes alone took it all.
    expect(written).toBeLessThan(16 * 1024 * 1024)
    expect(grown).toBeLessThan(32 * 1024 * 1024)
    expect(s.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/too large/) }),
    )
  })

  it('still takes a CONNECT with a will of realistic size', async () => {
    const s = await setup()
    const will = { topic: 'lab/status', payload: Buffer.alloc(8 * 1024, 0x62), qos: 1 as const }
    const c = await client(s, { clientId: 'tool', ...s.app, will })
    expect(c.connected).toBe(true)
  })

  it('caps packets after CONNACK at the configured size', async () => {
    const s = await setup({ maxPacketBytes: 100_000 })
    const c = await client(s, { clientId: 'tool', ...s.app })
    await c.publishAsync('lab/ok', Buffer.alloc(90_000), { qos: 1 })
    expect(s.published.some((m) => m.topic === 'lab/ok')).toBe(true)
    const gone = closed(c)
    c.publish('lab/big', Buffer.alloc(110_000), { qos: 0 })
    await gone
    expect(s.published.some((m) => m.topic === 'lab/big')).toBe(false)
    expect(s.broker.status().limits).toMatchObject({ maxPacketBytes: 100_000 })
  })

  it('lets a client send a large packet right behind its CONNECT, before the CONNACK (§3.1.4)', async () => {
    const s = await setup()
    const connect = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      clientId: 'pipelined',
      username: s.app.username,
      password: Buffer.from(s.app.password),
    })
    const publish = mqttPacket.generate({
      cmd: 'publish',
      topic: 'lab/pipelined',
      payload: Buffer.alloc(200_000, 0x63),
      qos: 0,
      retain: false,
      dup: false,
    })
    const socket = new Socket()
    await new Promise<void>((resolve) =>
      socket.connect(s.broker.tcpPort, '127.0.0.1', () => resolve()),
    )
    socket.write(Buffer.concat([connect, publish]))
    const start = Date.now()
    while (!s.published.some((m) => m.topic === 'lab/pipelined') && Date.now() - start < 3000)
      await new Promise((resolve) => setTimeout(resolve, 20))
    socket.destroy()
    expect(s.published.find((m) => m.topic === 'lab/pipelined')?.payload.length).toBe(200_000)
  })
})

describe('topic depth (issue 12 item 9)', () => {
  const topic = (levels: number): string => Array.from({ length: levels }, () => 'a').join('/')

  it('routes 100 levels; drops a client publishing 101 with a warning that names the limit', async () => {
    const s = await setup()
    expect(s.broker.status().limits).toMatchObject({ maxTopicLevels: 100 })
    const c = await client(s, { clientId: 'deep', ...s.app })
    await c.publishAsync(topic(100), 'ok', { qos: 1 })
    expect(s.published.some((m) => m.topic === topic(100))).toBe(true)
    const gone = closed(c)
    c.publish(topic(101), 'too deep', { qos: 1 })
    await gone
    expect(s.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/at most 100 levels/),
        fields: expect.objectContaining({ clientId: 'deep' }),
      }),
    )
  })
})
