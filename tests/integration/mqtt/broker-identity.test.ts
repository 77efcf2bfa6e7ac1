/**
 * Issue 12 items 2 and 3, with real clients against the embedded broker: a device login is
 * bound to its own client id (no session takeover, no kicking another device off), a
 * restored session still passes the ACL, and an empty client id needs a clean session.
 */
import { Socket } from 'node:net'
import { connect, type IClientOptions } from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { describe, expect, it } from 'vitest'
import { APP_USERNAME } from '../../../src/main/core/broker/credential-store'
import { type BrokerRig, useBrokerRigs } from './fixtures/broker-rig'

const PREFIX = 'iot'

const rigs = useBrokerRigs('identity')
const client = rigs.client
const setup = (anonymousLoopback = false): Promise<BrokerRig> =>
  rigs.setup({ allowAnonymousLoopback: anonymousLoopback })

/** The CONNACK return code a client gets (mqtt.js turns codes > 0 into an error with `code`). */
async function connackCode(url: string, options: IClientOptions): Promise<number> {
  try {
    await client(url, options)
    return 0
  } catch (error) {
    return (error as { code?: number }).code ?? -1
  }
}

/** One raw CONNECT, to send what mqtt.js would not (an empty id with clean=false). */
function rawConnack(port: number, connect: Partial<mqttPacket.IConnectPacket>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new Socket()
    const parser = mqttPacket.parser()
    parser.on('packet', (packet) => {
      socket.destroy()
      if (packet.cmd === 'connack') resolve(packet.returnCode ?? -1)
    })
    socket.on('data', (data) => parser.parse(data))
    socket.on('error', reject)
    socket.on('close', () => reject(new Error('closed without CONNACK')))
    const { clean = true, ...rest } = connect
    const bytes = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      keepalive: 30,
      clientId: '',
      ...rest,
      clean: true,
    })
    // mqtt-packet will not encode clean=false with an empty id: clear the Clean Session bit
    // of the Connect Flags (§3.1.2.3) after the 2-byte fixed header, "MQTT" and the level.
    if (!clean) bytes[2 + 7] = bytes[2 + 7]! & ~0x02
    socket.connect(port, '127.0.0.1', () => socket.write(bytes))
  })
}

function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now()
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) resolve()
      else if (Date.now() - start > ms) reject(new Error('timed out'))
      else setTimeout(tick, 10)
    }
    tick()
  })
}

describe('a device login is bound to its client id', () => {
  it("cannot take over another device's persistent session and its queued command", async () => {
    const s = await setup()
    const devA = await s.credentials.issue('devA')
    const devB = await s.credentials.issue('devB')
    const b = await client(s.url, { clientId: 'devB', clean: false, ...devB })
    await b.subscribeAsync(`${PREFIX}/devB/cmd`, { qos: 1 })
    await b.endAsync()
    const app = await client(s.url, {
      clientId: 'iotcc-app-test',
      username: APP_USERNAME,
      password: s.credentials.appPassword,
    })
    await app.publishAsync(`${PREFIX}/devB/cmd`, 'open-the-door', { qos: 1 })

    // devA's valid login with devB's client id: CONNACK 5, and the refusal is logged.
    expect(await connackCode(s.url, { clientId: 'devB', clean: false, ...devA })).toBe(5)
    expect(s.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/client id/),
        fields: expect.objectContaining({ clientId: 'devB', username: 'devA' }),
      }),
    )

    // devB still gets its command.
    const received: string[] = []
    // Listening before the CONNACK: the queued command follows it at once.
    const back = connect(s.url, { clientId: 'devB', clean: false, ...devB, reconnectPeriod: 0 })
    rigs.track(back)
    back.on('message', (_topic, payload) => received.push(payload.toString()))
    await waitFor(() => received.length > 0)
    expect(received).toEqual(['open-the-door'])
  })

  it('cannot kick a connected device off by reusing its client id with a clean session', async () => {
    const s = await setup(true)
    const devA = await s.credentials.issue('devA')
    const devB = await s.credentials.issue('devB')
    const b = await client(s.url, { clientId: 'devB', clean: true, ...devB })
    let closed = false
    b.on('close', () => (closed = true))

    expect(await connackCode(s.url, { clientId: 'devB', ...devA })).toBe(5)
    // An anonymous loopback tool and the app keep their freedom, but not a device's id.
    expect(await connackCode(s.url, { clientId: 'devB' })).toBe(5)
    expect(
      await connackCode(s.url, {
        clientId: 'devB',
        username: APP_USERNAME,
        password: s.credentials.appPassword,
      }),
    ).toBe(5)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(closed).toBe(false)
    expect(b.connected).toBe(true)
  })

  it('lets each kind of login use the client ids that are its own', async () => {
    const s = await setup(true)
    const issued = await s.credentials.issue('esp32-a1b2c3')
    // Provisioned firmware and hand-made logins: client id = device id = username.
    expect(await connackCode(s.url, { clientId: 'esp32-a1b2c3', ...issued })).toBe(0)
    // The simulator: an ephemeral `<id>~virtual` login with client id `<id>`.
    const virtual = s.credentials.issueEphemeral('sim-host-001')
    expect(await connackCode(s.url, { clientId: 'sim-host-001', ...virtual })).toBe(0)
    expect(await connackCode(s.url, { clientId: 'sim-host-001~virtual', ...virtual })).toBe(0)
    // A device login with some other id (e.g. the seed's fixed "ESP32_Sensor_01") is refused.
    expect(await connackCode(s.url, { clientId: 'ESP32_Sensor_01', ...issued })).toBe(5)
    // Tools and the app: any id no device owns.
    expect(await connackCode(s.url, { clientId: 'mosquitto_sub_42' })).toBe(0)
    const app = { username: APP_USERNAME, password: s.credentials.appPassword }
    expect(await connackCode(s.url, { clientId: 'iotcc-app-1', ...app })).toBe(0)
  })

  it('re-checks a restored session against the ACL: queued messages outside it are dropped', async () => {
    const s = await setup()
    const devB = await s.credentials.issue('devB')
    const b = await client(s.url, { clientId: 'devB', clean: false, ...devB })
    await b.subscribeAsync(`${PREFIX}/devB/cmd`, { qos: 1 })
    await b.endAsync()
    const app = await client(s.url, {
      clientId: 'iotcc-app-test',
      username: APP_USERNAME,
      password: s.credentials.appPassword,
    })
    await app.publishAsync(`${PREFIX}/devB/cmd`, 'queued', { qos: 1 })
    // The device prefix setting changes: `iot/devB/…` is no longer devB's subtree.
    s.prefix = 'home'
    const received: string[] = []
    const back = connect(s.url, { clientId: 'devB', clean: false, ...devB, reconnectPeriod: 0 })
    rigs.track(back)
    back.on('message', (_t, p) => received.push(p.toString()))
    await new Promise((resolve) => back.once('connect', resolve))
    await app.publishAsync(`${PREFIX}/devB/cmd`, 'live', { qos: 1 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(received).toEqual([])
  })
})

describe('client identifiers (MQTT 3.1.1 §3.1.3)', () => {
  it('refuses an empty client id without a clean session with CONNACK 2 (§3.1.3-8)', async () => {
    const s = await setup(true)
    const port = s.broker.tcpPort
    expect(await rawConnack(port, { clientId: '', clean: false })).toBe(2)
    // With a clean session the broker assigns one (§3.1.3-6).
    expect(await rawConnack(port, { clientId: '', clean: true })).toBe(0)
  })

  it('refuses it before looking at credentials, as Mosquitto does', async () => {
    const s = await setup()
    const devA = await s.credentials.issue('devA')
    const port = s.broker.tcpPort
    expect(
      await rawConnack(port, {
        clientId: '',
        clean: false,
        username: devA.username,
        password: Buffer.from(devA.password),
      }),
    ).toBe(2)
  })
})
