/**
 * Issue 12 items 8 and 9 with real sockets: packet size is capped before authentication
 * (a 200 MB CONNECT can't grow memory) and after it (a setting), and topic depth has a
 * stated limit the broker reports.
 */
import { Socket } from 'node:net'
import type { IClientOptions, MqttClient } from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { type BrokerRig, useBrokerRigs } from './fixtures/broker-rig'

const rigs = useBrokerRigs('limits')
const setup = rigs.setup
const client = (s: BrokerRig, options: IClientOptions): Promise<MqttClient> =>
  rigs.client(s.url, options)

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
