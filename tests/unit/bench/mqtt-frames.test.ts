import { once } from 'node:events'
import { createServer, type AddressInfo, type Server } from 'node:net'
import mqttPacket, { type IPublishPacket, type Packet } from 'mqtt-packet'
import { afterEach, describe, expect, it } from 'vitest'
import { Fleet } from '../../../bench/lib/load-generator'
import {
  connectFrame,
  maxTelemetryFrame,
  subscribeFrame,
  telemetryPayload,
  writePublish,
} from '../../../bench/lib/mqtt-frames'
import { HaRegistry } from '../../../src/shared/parsers/ha-registry'
import { parseMessage } from '../../../src/shared/parsers/parse-message'

/** Every packet mqtt-packet's parser (the one aedes uses) reads out of `bytes`. */
function decode(bytes: Buffer): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  const packets: Packet[] = []
  parser.on('packet', (p) => packets.push(p))
  parser.on('error', (e) => {
    throw e
  })
  parser.parse(bytes)
  return packets
}

describe('the load generator’s MQTT 3.1.1 frames', () => {
  it('frames back-to-back QoS 0 PUBLISHes that mqtt-packet decodes exactly', () => {
    const topic = Buffer.from('iot/bench-0001/telemetry')
    const buf = Buffer.alloc(3 * maxTelemetryFrame(topic.length))
    let end = 0
    for (let seq = 1; seq <= 3; seq++)
      end = writePublish(buf, end, topic, telemetryPayload(seq, 1_796_000_000_000 + seq))

    const packets = decode(buf.subarray(0, end)) as IPublishPacket[]
    expect(packets).toHaveLength(3)
    packets.forEach((p, i) => {
      expect(p).toMatchObject({ cmd: 'publish', topic: topic.toString(), qos: 0, retain: false })
      expect(JSON.parse(p.payload.toString())).toMatchObject({
        ts: 1_796_000_000_001 + i,
        seq: i + 1,
      })
    })
  })

  it('encodes the remaining length in one, two and three bytes (§2.2.3)', () => {
    for (const [size, lengthBytes] of [
      [10, 1],
      [200, 2],
      [20_000, 3],
    ] as const) {
      const payload = 'x'.repeat(size)
      const topic = Buffer.from('t/x')
      const buf = Buffer.alloc(size + 64)
      const end = writePublish(buf, 0, topic, payload)
      const [packet] = decode(buf.subarray(0, end)) as IPublishPacket[]
      expect(packet?.payload.toString()).toBe(payload)
      const remaining = 2 + topic.length + size
      expect(end).toBe(1 + lengthBytes + remaining)
    }
  })

  it('sends CONNECT with the firmware’s Last Will and SUBSCRIBE to its cmd topic', () => {
    const [connect, subscribe] = decode(
      Buffer.concat([
        connectFrame({ clientId: 'b-1', keepaliveS: 60, willTopic: 'iot/b-1/status' }),
        subscribeFrame(1, 'iot/b-1/cmd'),
      ]),
    )
    expect(connect).toMatchObject({
      cmd: 'connect',
      protocolVersion: 4,
      clean: true,
      clientId: 'b-1',
      keepalive: 60,
      will: { topic: 'iot/b-1/status', qos: 1, retain: true },
    })
    expect(subscribe).toMatchObject({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: 'iot/b-1/cmd', qos: 1 }],
    })
  })

  it('writes telemetry the app parses as our firmware’s: two readings, device ts in ms, seq', () => {
    const ts = Date.now() - 1000
    const outcome = parseMessage(
      {
        topic: 'iot/bench-0001/telemetry',
        payload: Buffer.from(telemetryPayload(42, ts)),
        receivedAt: Date.now(),
      },
      { prefix: 'iot', ha: new HaRegistry() },
    )
    expect(outcome.kind).toBe('parsed')
    if (outcome.kind !== 'parsed') return
    const [update] = outcome.updates
    expect(update).toMatchObject({ deviceId: 'bench-0001', format: 'ours', ts, seq: 42 })
    expect(update?.readings.map((r) => r.metric).sort()).toEqual(['humidity', 'temperature'])
  })
})

describe('a fleet on a fake broker', () => {
  let server: Server | undefined
  afterEach(() => server?.close())

  /** Accepts CONNECT/SUBSCRIBE like a broker and keeps every PUBLISH it decodes. */
  async function fakeBroker(): Promise<{ port: number; published: IPublishPacket[] }> {
    const published: IPublishPacket[] = []
    server = createServer((socket) => {
      const parser = mqttPacket.parser({ protocolVersion: 4 })
      parser.on('packet', (p) => {
        if (p.cmd === 'connect')
          socket.write(
            mqttPacket.generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }),
          )
        if (p.cmd === 'subscribe')
          socket.write(mqttPacket.generate({ cmd: 'suback', messageId: p.messageId, granted: [1] }))
        if (p.cmd === 'publish') published.push(p)
      })
      socket.on('data', (chunk) => parser.parse(chunk))
      socket.on('error', () => undefined)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return { port: (server.address() as AddressInfo).port, published }
  }

  const telemetry = (ps: IPublishPacket[]) => ps.filter((p) => p.topic.endsWith('/telemetry'))
  const seqsOf = (ps: IPublishPacket[], id: string) =>
    telemetry(ps)
      .filter((p) => p.topic === `iot/${id}/telemetry`)
      .map((p) => (JSON.parse(p.payload.toString()) as { seq: number }).seq)

  it('bursts every message once, in order per device, and says how many it sent', async () => {
    const broker = await fakeBroker()
    const fleet = new Fleet({ host: '127.0.0.1', port: broker.port, count: 3, idPrefix: 'b-' })
    await fleet.connect()
    const result = await fleet.burst(301)
    await fleet.disconnect()

    expect(result).toMatchObject({ sent: 301, skipped: 0, lost: 0 })
    expect(telemetry(broker.published)).toHaveLength(301)
    expect(seqsOf(broker.published, 'b-0001')).toEqual(Array.from({ length: 101 }, (_, i) => i + 1))
    expect(seqsOf(broker.published, 'b-0003')).toHaveLength(100)
  })

  it('paces round-robin, subscribed and announced like the firmware', async () => {
    const broker = await fakeBroker()
    const fleet = new Fleet({
      host: '127.0.0.1',
      port: broker.port,
      count: 4,
      idPrefix: 'p-',
      subscribe: true,
      announce: true,
    })
    await fleet.connect()
    const started = performance.now()
    const result = await fleet.paced({ rate: 2000, messages: 100 })
    const elapsed = performance.now() - started
    await fleet.disconnect()

    expect(result.sent).toBe(100)
    // 100 messages at 2,000/s: 50 ms, not all at once.
    expect(elapsed).toBeGreaterThanOrEqual(45)
    for (const id of ['p-0001', 'p-0002', 'p-0003', 'p-0004'])
      expect(seqsOf(broker.published, id)).toHaveLength(25)
    const births = broker.published.filter((p) => p.topic.endsWith('/status'))
    expect(births).toHaveLength(4)
    expect(births[0]).toMatchObject({ retain: true })
    expect(births[0]?.payload.toString()).toBe('online')
  })
})
