import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { baseConfig, DEVICE_ID, FirmwareSim, TOPICS } from './harness'
import { MqttBridge, Observer, startBroker } from './mqtt-bridge'

describe('end to end against a real broker (aedes)', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>
  let bridge: MqttBridge
  let watcher: Observer
  let fw: FirmwareSim
  const late: Observer[] = []

  beforeEach(async () => {
    broker = await startBroker()
    bridge = new MqttBridge()
    watcher = await Observer.connect(broker.port, 'iot/#')
    fw = await FirmwareSim.start({
      config: baseConfig({ mqtt: { host: '127.0.0.1', port: broker.port, keepalive: 30 } }),
      modules: { mqttbridge: bridge.module },
    })
    fw.startApp()
    fw.runUntil('sim.app.link.connected and sim.app.seq >= 1', 30_000)
    await bridge.settled()
  })

  afterEach(async () => {
    bridge.close()
    await Promise.all([watcher.close(), ...late.splice(0).map((o) => o.close())])
    await broker.close()
  })

  /** A client that connects now and sees only what the broker retained. */
  async function retained(topic: string): Promise<string> {
    const o = await Observer.connect(broker.port, topic)
    late.push(o)
    const m = await o.next((x) => x.topic === topic)
    expect(m.retain).toBe(true)
    return m.payload
  }

  it('birth, info and telemetry arrive; status and info are retained', async () => {
    await watcher.next((m) => m.topic === TOPICS.status && m.payload === 'online')
    const info = await watcher.next((m) => m.topic === TOPICS.info)
    expect(JSON.parse(info.payload)).toMatchObject({ id: DEVICE_ID, fw: '0.2.0', sensor: 'DHT22' })
    const t = await watcher.next((m) => m.topic === TOPICS.telemetry)
    expect(JSON.parse(t.payload)).toMatchObject({
      temperature: 21,
      humidity: 40,
      seq: 1,
      ts: expect.any(Number),
    })
    expect(await retained(TOPICS.status)).toBe('online')
    expect(JSON.parse(await retained(TOPICS.info))).toMatchObject({ id: DEVICE_ID })
  })

  it('the broker sends the Last Will when the socket dies, and the board comes back online', async () => {
    await watcher.next((m) => m.topic === TOPICS.status && m.payload === 'online')
    const mark = watcher.messages.length
    fw.exec('umqtt.simple.kill()') // power cut on the TCP level: no DISCONNECT is sent
    await watcher.next((m) => m.topic === TOPICS.status && m.payload === 'offline', mark)
    expect(await retained(TOPICS.status)).toBe('offline')
    // The firmware notices on its next socket operation and reconnects with backoff.
    fw.runUntil('sim.app.link.connects == 2', 120_000)
    await bridge.whenUp()
    await watcher.next((m) => m.topic === TOPICS.status && m.payload === 'online', mark)
    expect(bridge.connections).toBe(2)
  })

  it('a command published by another client is applied and acknowledged', async () => {
    const mark = watcher.messages.length
    await watcher.client.publishAsync(
      TOPICS.cmd,
      JSON.stringify({ cmd: 'set', id: 'e2e', delta_t: 0.3 }),
      { qos: 1 },
    )
    await bridge.incoming() // delivered to the board's connection; now let the board run
    fw.runFor(500)
    const ack = await watcher.next(
      (m) => m.topic === TOPICS.event && m.payload.includes('"ack"'),
      mark,
    )
    expect(JSON.parse(ack.payload)).toMatchObject({
      event: 'ack',
      cmd: 'set',
      ok: true,
      ref: 'e2e',
      applied: { delta_t: 0.3 },
    })
  })
})
