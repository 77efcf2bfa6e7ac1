import { describe, expect, it } from 'vitest'
import { baseConfig, DEVICE_ID, FirmwareSim, TOPICS } from './harness'

describe('connecting to the broker', () => {
  it('sets the Last Will before connecting, then sends birth, subscribes to cmd and publishes info', async () => {
    const fw = await FirmwareSim.start()
    fw.startApp()
    fw.runUntil(
      'umqtt.simple.log and any(e["op"] == "subscribe" for e in umqtt.simple.log)',
      30_000,
    )
    fw.runFor(1000)
    const [conn, ...more] = fw.connects()
    expect(more).toEqual([])
    expect(conn).toMatchObject({
      client_id: DEVICE_ID,
      server: '192.168.1.50',
      port: 1883,
      user: 'dev',
      password: 's3cret',
      keepalive: 30,
      clean: true,
      will: { topic: TOPICS.status, msg: 'offline', retain: true, qos: 1 },
      ssl: null,
    })
    const ops = fw.mqttLog().map((e) => (e.op === 'publish' ? `${e.op} ${String(e.topic)}` : e.op))
    // Birth first, before anything else can go out on the new session.
    expect(ops.slice(0, 5)).toEqual([
      'connect',
      `publish ${TOPICS.status}`,
      'subscribe',
      'subscribe',
      `publish ${TOPICS.info}`,
    ])
    expect(fw.publishes(TOPICS.status)[0]).toMatchObject({ msg: 'online', retain: true, qos: 1 })
    expect(fw.mqttLog().filter((e) => e.op === 'subscribe')).toMatchObject([
      { topic: TOPICS.cmd, qos: 1 },
      { topic: 'iot/esp32-a1b2c3/ota/+', qos: 1 }, // docs/ota.md
    ])
    const info = fw.publishes(TOPICS.info)[0]
    expect(info).toMatchObject({ retain: true, qos: 1 })
    expect(JSON.parse(info?.msg ?? '')).toEqual({
      id: DEVICE_ID,
      name: 'Living room',
      fw: '0.2.0',
      mp: '1.27.0',
      chip: expect.any(String),
      sensor: 'DHT22',
      ip: '192.168.1.77',
      mac: '24:0a:c4:a1:b2:c3',
      rssi: -61,
    })
    expect(fw.events()[0]).toMatchObject({ event: 'boot', reset_cause: 'pwron', fw: '0.2.0' })
  })

  it('derives the id from the MAC and sets the DHCP hostname when device_id is absent', async () => {
    const { device_id: _drop, ...noId } = baseConfig({ prefix: 'lab/floor1' })
    const fw = await FirmwareSim.start({ config: noId })
    fw.startApp()
    fw.runFor(5000)
    expect(fw.eval('network.hostname()')).toBe('esp32-a1b2c3')
    // Before the interface comes up: DHCP sends it with the first request.
    expect(fw.eval<unknown[]>('network.calls[:2]')).toEqual([
      ['hostname', 'esp32-a1b2c3'],
      ['active', true],
    ])
    expect(fw.connects()[0]?.client_id).toBe('esp32-a1b2c3')
    expect(fw.publishes('lab/floor1/esp32-a1b2c3/status')[0]?.msg).toBe('online')
  })

  it('pings at half the keepalive, so the broker never fires the Will on a healthy link', async () => {
    const fw = await FirmwareSim.start({
      config: baseConfig({ mqtt: { host: 'b', keepalive: 20 } }),
    })
    fw.startApp()
    fw.runFor(120_000)
    const pings = fw.mqttLog().filter((e) => e.op === 'ping')
    expect(pings.length).toBeGreaterThanOrEqual(10)
    const gaps = pings.slice(1).map((p, i) => p.t - (pings[i]?.t ?? 0))
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_300)
  })

  it('retries a refused broker with growing backoff, without blocking the loop', async () => {
    const fw = await FirmwareSim.start()
    fw.exec('umqtt.simple.broker_up = False')
    fw.startApp()
    fw.runFor(120_000)
    // Sensor keeps working while the broker is away: readings go to the offline buffer.
    expect(fw.eval<number>('len(sim.app.spool)')).toBeGreaterThan(0)
    expect(fw.connects()).toEqual([])
    const attempts = fw.eval<number>('sim.app.link.backoff.cur')
    expect(attempts).toBe(60_000) // capped
    fw.exec('umqtt.simple.broker_up = True')
    const took = fw.runUntil('sim.app.link.connected', 120_000)
    expect(took).toBeLessThanOrEqual(72_000) // cap + 20 % jitter
  })

  it('uses TLS with the CA from config (ssl=True + ssl_params: umqtt.simple 1.3 and 1.5+)', async () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    const fw = await FirmwareSim.start({
      config: baseConfig({ mqtt: { host: 'broker.lan', tls: true, ca: 'ca.pem' } }),
      files: { 'ca.pem': ca },
    })
    fw.startApp()
    fw.runFor(5000)
    expect(fw.connects()[0]).toMatchObject({
      port: 8883,
      ssl: {
        kind: 'params',
        params: { server_hostname: 'broker.lan', cert_reqs: 2, cadata: ca },
      },
    })
  })

  it('falls back to an SSLContext where ssl_params is not accepted (umqtt.simple 1.4)', async () => {
    const ca = '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n'
    const fw = await FirmwareSim.start({
      config: baseConfig({ mqtt: { host: 'broker.lan', port: 8884, tls: true, ca: 'ca.pem' } }),
      files: { 'ca.pem': ca },
    })
    fw.exec('umqtt.simple.api = "ctx"')
    fw.startApp()
    fw.runFor(5000)
    expect(fw.connects()[0]).toMatchObject({
      port: 8884,
      ssl: { kind: 'context', verify_mode: 2, cadata: ca },
    })
  })
})
