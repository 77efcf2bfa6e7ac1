/**
 * What only the embedded broker does: its ACL closes a trespassing device, loopback
 * anonymity is a setting, a taken port falls back with a message, credentials are
 * revocable and stored hashed, MQTT over WebSocket, and TLS files reused across restarts.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { connectAsync } from 'mqtt'
import { afterEach, describe, expect, it } from 'vitest'
import { testConnection } from '../../../src/main/core/mqtt/test-connection'
import { freePort } from '../../helpers/free-port'
import { EmbeddedFixture, PREFIX } from './fixtures/brokers'
import { Recorder } from './fixtures/recorder'

const fixtures: EmbeddedFixture[] = []
const closers: Array<() => Promise<unknown>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
  await Promise.all(fixtures.splice(0).map((f) => f.destroy()))
})

async function embedded(
  overrides: ConstructorParameters<typeof EmbeddedFixture>[0] = {},
): Promise<EmbeddedFixture> {
  // TLS only where a test needs it: two RSA key pairs per start add up on two cores.
  const fixture = new EmbeddedFixture({ tls: { enabled: false, port: 0 }, ...overrides })
  fixtures.push(fixture)
  await fixture.start()
  return fixture
}

const probe = {
  clientId: 'probe',
  clean: true,
  protocolVersion: 4 as const,
  subscriptions: [],
  rejectUnauthorized: true,
}

describe('embedded broker', () => {
  it('drops a device that publishes under another device, and refuses its subscription there', async () => {
    const broker = await embedded()
    const a = await connectAsync(broker.url, {
      clientId: 'dev-a',
      ...broker.device('dev-a'),
      reconnectPeriod: 0,
    })
    closers.push(() => a.endAsync(true))
    // SUBACK 0x80 (MQTT 3.1.1 §3.9.3), which mqtt.js turns into a rejection.
    await expect(a.subscribeAsync(`${PREFIX}/dev-b/cmd`, { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    )
    const ownGranted = await a.subscribeAsync(`${PREFIX}/dev-a/cmd`, { qos: 1 })
    expect(ownGranted[0]?.qos).toBe(1)
    const closed = new Promise<void>((resolve) => a.once('close', () => resolve()))
    a.publish(`${PREFIX}/dev-b/telemetry`, '{"temperature":99}', { qos: 1 })
    await closed
  })

  it('refuses anonymous clients unless loopback anonymity is on', async () => {
    const strict = await embedded()
    const refused = await testConnection({ ...probe, url: strict.url })
    expect(refused.error).toMatch(/^auth refused: not authorized/)

    const relaxed = await embedded({ allowAnonymousLoopback: true })
    const allowed = await testConnection({ ...probe, url: relaxed.url })
    expect(allowed).toMatchObject({ ok: true })
    // A wrong password is still wrong, anonymity or not.
    const wrong = await testConnection({
      ...probe,
      url: relaxed.url,
      username: 'dev-a',
      password: 'nope',
    })
    expect(wrong.error).toMatch(/^auth refused: bad username or password/)
  })

  it('falls back to a free port, saying which, when the wanted one is taken', async () => {
    const taken = createServer()
    const port = await freePort()
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve))
    closers.push(() => new Promise((resolve) => taken.close(resolve)))
    const broker = await embedded({ port })
    const status = broker.broker!.status()
    const tcp = status.listeners.find((l) => l.kind === 'tcp')!
    expect(tcp.port).not.toBe(port)
    expect(status.warnings.join(' ')).toContain(`Port ${port} (MQTT) is already in use`)
    expect(status.warnings.join(' ')).toContain(`uses port ${tcp.port} instead`)
    expect(await testConnection({ ...probe, url: broker.url, ...broker.app })).toMatchObject({
      ok: true,
    })
  })

  it('stores only password hashes, and a revoked device can no longer connect', async () => {
    const broker = await embedded()
    const issued = await broker.credentials.issue('dev-new')
    const file = readFileSync(join(broker.dir, 'broker-credentials.json'), 'utf8')
    expect(file).toContain('dev-new')
    expect(file).not.toContain(issued.password)
    expect(broker.credentials.list().map((c) => c.deviceId)).toContain('dev-new')
    expect(
      await testConnection({
        ...probe,
        url: broker.url,
        clientId: 'dev-new', // a device login is bound to its own client id
        username: 'dev-new',
        password: issued.password,
      }),
    ).toMatchObject({ ok: true })
    await broker.credentials.revoke('dev-new')
    const after = await testConnection({
      ...probe,
      url: broker.url,
      clientId: 'dev-new',
      username: 'dev-new',
      password: issued.password,
    })
    expect(after.error).toMatch(/^auth refused/)
  })

  it('speaks MQTT over WebSocket when the listener is on', async () => {
    const broker = await embedded({ wsPort: 0 })
    const ws = broker.broker!.status().listeners.find((l) => l.kind === 'ws')!
    const recorder = new Recorder({ url: broker.url, ...broker.app }).start()
    closers.push(() => recorder.close())
    await recorder.ready()
    const dev = await connectAsync(`ws://127.0.0.1:${ws.port}`, {
      clientId: 'dev-a',
      ...broker.device('dev-a'),
      reconnectPeriod: 0,
    })
    closers.push(() => dev.endAsync(true))
    await dev.publishAsync(
      `${PREFIX}/dev-a/telemetry`,
      '{"temperature":21.5,"humidity":40,"seq":1}',
      { qos: 1 },
    )
    await recorder.until(
      () => recorder.on('iot/dev-a/telemetry').length === 1,
      'message sent over WebSocket',
    )
  })

  it('keeps its CA across restarts, so devices that trust it keep connecting', async () => {
    const broker = await embedded({ tls: { enabled: true, port: 0 } })
    const before = broker.caPem
    await broker.restart()
    expect(broker.caPem).toBe(before)
    const tls = await testConnection({
      ...probe,
      url: broker.tlsUrl,
      ca: broker.caPem,
      ...broker.app,
    })
    expect(tls).toMatchObject({ ok: true })
  })
})
