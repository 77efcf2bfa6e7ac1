/**
 * One suite, two real brokers: the embedded broker (aedes + our auth, ACL, TLS and SQLite
 * persistence) and Debian's Mosquitto started here with a password file, an ACL and a TLS
 * listener using certificates made by the app's CA code. The app side is always the
 * app's own MqttConnection.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { connectAsync, type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { testConnection } from '../../../src/main/core/mqtt/test-connection'
import { VirtualDevice } from '../../../src/main/core/simulator/virtual-device'
import {
  EmbeddedFixture,
  MosquittoFixture,
  PREFIX,
  type Account,
  type BrokerFixture,
} from './fixtures/brokers'
import { Recorder } from './fixtures/recorder'

const fixtures: Array<[string, () => BrokerFixture]> = [
  ['embedded', () => new EmbeddedFixture()],
  ['mosquitto', () => new MosquittoFixture()],
]

describe.each(fixtures)('%s broker', (name, make) => {
  // aedes speaks MQTT 3.1.1 only (it answers a v5 CONNECT with CONNACK 1); Mosquitto both.
  const protocolLevels = name === 'mosquitto' ? ([4, 5] as const) : ([4] as const)
  let broker: BrokerFixture
  const open: Array<{ close(): Promise<unknown> | unknown }> = []

  beforeAll(async () => {
    broker = make()
    await broker.start()
  })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()))
  })
  afterAll(async () => {
    await broker?.destroy()
  })

  const app = async (
    extra: Partial<ConstructorParameters<typeof Recorder>[0]> = {},
  ): Promise<Recorder> => {
    const recorder = new Recorder({ url: broker.url, ...broker.app, ...extra }).start()
    open.push(recorder)
    await recorder.ready()
    return recorder
  }
  const device = async (id: string, account: Account = broker.device(id)): Promise<MqttClient> => {
    const client = await connectAsync(broker.url, { clientId: id, ...account, reconnectPeriod: 0 })
    open.push({ close: () => client.endAsync(true) })
    return client
  }

  it('delivers QoS 0, 1 and 2 at the QoS they were published with', async () => {
    const sub = await connectAsync(broker.url, {
      ...broker.app,
      clientId: 'qos-sub',
      reconnectPeriod: 0,
    })
    open.push({ close: () => sub.endAsync(true) })
    const got = new Map<string, number>()
    const allThree = new Promise<void>((resolve) =>
      sub.on('message', (topic, _payload, packet) => {
        got.set(topic, packet.qos)
        if (got.size === 3) resolve()
      }),
    )
    await sub.subscribeAsync(`${PREFIX}/dev-q/#`, { qos: 2 })
    const dev = await device('dev-q')
    for (const qos of [0, 1, 2] as const)
      await dev.publishAsync(`${PREFIX}/dev-q/q${qos}`, `qos ${qos}`, { qos })
    await allThree
    expect(Object.fromEntries(got)).toEqual({
      'iot/dev-q/q0': 0,
      'iot/dev-q/q1': 1,
      'iot/dev-q/q2': 2,
    })
  })

  it('keeps a retained message for clients that subscribe later', async () => {
    const dev = await device('dev-a')
    await dev.publishAsync(`${PREFIX}/dev-a/status`, 'online', { qos: 1, retain: true })
    const recorder = await app({ subscriptions: [{ topic: `${PREFIX}/dev-a/status`, qos: 1 }] })
    await recorder.until(() => recorder.on('iot/dev-a/status').length > 0, 'retained status')
    const [status] = recorder.on('iot/dev-a/status')
    expect(status).toMatchObject({ retain: true, qos: 1, source: 'embedded' })
    expect(recorder.text(status!)).toBe('online')
  })

  it('publishes the Last Will "offline" (retained) when a device socket dies', async () => {
    const recorder = await app()
    const virtual = new VirtualDevice({
      id: 'dev-lwt',
      prefix: PREFIX,
      url: broker.url,
      ...broker.device('dev-lwt'),
      rateHz: 0.01,
      keepaliveS: 2,
      clock: systemClock,
      logger: silentLogger,
    })
    await virtual.start()
    const statuses = (): string[] => recorder.on('iot/dev-lwt/status').map((m) => recorder.text(m))
    await recorder.until(() => statuses().includes('online'), 'birth message')
    virtual.kill()
    await recorder.until(() => statuses().at(-1) === 'offline', 'Last Will')
    // A later subscriber sees the device offline: the will was retained.
    const late = await app({ subscriptions: [{ topic: 'iot/dev-lwt/status', qos: 1 }] })
    await late.until(() => late.on('iot/dev-lwt/status').length > 0, 'retained will')
    expect(late.text(late.on('iot/dev-lwt/status')[0]!)).toBe('offline')
  })

  it.each(protocolLevels)(
    'loses no QoS 1 message sent while the app was away, across a broker restart (MQTT protocol level %s)',
    async (protocolVersion) => {
      const clientId = `app-persist-${broker.name}-v${protocolVersion}`
      const first = await app({ clientId, clean: false, protocolVersion })
      await first.close()
      const dev = await device('dev-persist')
      const sent = Array.from({ length: 25 }, (_, i) => i)
      for (const seq of sent)
        await dev.publishAsync(`${PREFIX}/dev-persist/telemetry`, `{"seq":${seq}}`, { qos: 1 })
      await dev.endAsync()
      await broker.restart()
      const second = new Recorder({
        url: broker.url,
        ...broker.app,
        clientId,
        clean: false,
        protocolVersion,
      }).start()
      open.push(second)
      const seqs = (): Set<number> =>
        new Set(
          second
            .on('iot/dev-persist/telemetry')
            .map((m) => (JSON.parse(second.text(m)) as { seq: number }).seq),
        )
      await second.until(() => seqs().size === sent.length, `all ${sent.length} queued messages`)
      expect([...seqs()].sort((a, b) => a - b)).toEqual(sent)
    },
  )

  it('connects over TLS with the app CA and refuses an untrusted certificate in words', async () => {
    const base = {
      clientId: 'tls-test',
      clean: true,
      protocolVersion: 4 as const,
      subscriptions: [],
      ...broker.app,
    }
    const trusted = await testConnection({
      ...base,
      url: broker.tlsUrl,
      ca: broker.caPem,
      rejectUnauthorized: true,
    })
    expect(trusted).toMatchObject({ ok: true, error: null })
    const untrusted = await testConnection({
      ...base,
      url: broker.tlsUrl,
      rejectUnauthorized: true,
    })
    expect(untrusted.ok).toBe(false)
    expect(untrusted.error).toMatch(/^TLS untrusted: .*not signed by a trusted CA/)
  })

  it('refuses a bad password with "auth refused"', async () => {
    const result = await testConnection({
      url: broker.url,
      username: 'dev-a',
      password: 'wrong password',
      clientId: 'bad-pass',
      clean: true,
      protocolVersion: 4,
      subscriptions: [],
      rejectUnauthorized: true,
    })
    expect(result.ok).toBe(false)
    // Mosquitto 2.0 answers a wrong password with "not authorized" (5), aedes with 4.
    expect(result.error).toMatch(/^auth refused: /)
  })

  it("does not let device A publish under device B's topics", async () => {
    const recorder = await app()
    const a = await device('dev-a')
    const b = await device('dev-b')
    a.publish(`${PREFIX}/dev-b/telemetry`, '{"temperature":99}', { qos: 0 })
    await b.publishAsync(`${PREFIX}/dev-b/telemetry`, '{"temperature":20}', { qos: 1 })
    await recorder.until(() => recorder.on('iot/dev-b/telemetry').length > 0, "B's own message")
    expect(recorder.on('iot/dev-b/telemetry').map((m) => recorder.text(m))).toEqual([
      '{"temperature":20}',
    ])
  })

  it("delivers the seed publisher's exact message to the app as an MqttMessage", async () => {
    const recorder = await app()
    const [, , host, port] = /^(mqtt):\/\/([^:]+):(\d+)$/.exec(broker.url) ?? []
    // Async: the embedded broker runs in this process and must keep answering meanwhile.
    await promisify(execFile)('mosquitto_pub', [
      ...['-h', host!, '-p', port!, '-u', broker.app.username, '-P', broker.app.password],
      ...['-t', 'home/sensors/temp_hum', '-m', 'temp:21,hum:40'],
    ])
    await recorder.until(() => recorder.on('home/sensors/temp_hum').length > 0, 'seed message')
    const message = recorder.on('home/sensors/temp_hum')[0]!
    expect(message).toMatchObject({
      topic: 'home/sensors/temp_hum',
      qos: 0,
      retain: false,
      source: 'embedded',
    })
    expect(message.payload).toBeInstanceOf(Uint8Array)
    expect(recorder.text(message)).toBe('temp:21,hum:40')
    expect(message.receivedAt).toBeGreaterThan(Date.now() - 10_000)
  })

  it('shows reconnecting with the last error while the broker is gone, then connected again', async () => {
    const recorder = await app()
    await broker.stop()
    await recorder.until(
      () => recorder.status === 'reconnecting' && recorder.connection.state.attempts >= 2,
      'retries',
    )
    const down = recorder.connection.state
    expect(down.lastError).toMatch(/^(host unreachable|connection lost): /)
    expect(down.nextAttemptAt).not.toBeNull()
    await broker.start()
    await recorder.ready(2)
    const statuses = recorder.states.map((s) => s.status)
    expect(statuses[0]).toBe('connecting')
    expect(statuses).toContain('reconnecting')
    expect(statuses.at(-1)).toBe('connected')
    expect(statuses.indexOf('reconnecting')).toBeLessThan(statuses.lastIndexOf('connected'))
  })
})
