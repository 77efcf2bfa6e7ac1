/**
 * The app meets its embedded broker in-process: every PUBLISH reaches the app without a
 * client connection, retained messages are replayed at start, and a message the app has
 * not released holds that publisher back through TCP (aedes reads no further from it).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connectAsync } from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { createLogger } from '../../../src/main/core/base/logger'
import { CredentialStore } from '../../../src/main/core/broker/credential-store'
import { EmbeddedBroker } from '../../../src/main/core/broker/embedded-broker'
import type { PublishListener } from '../../../src/main/core/broker/broker-tap'
import type { MqttMessage } from '../../../src/shared/mqtt-message'

const logger = createLogger({ level: 'error', scope: 'test' })
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startBroker(
  onPublish: PublishListener,
  dir?: string,
  setup: (credentials: CredentialStore) => Promise<void> = async () => undefined,
): Promise<{ broker: EmbeddedBroker; dir: string }> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'iotcc-tap-'))
  const credentials = new CredentialStore(dataDir, systemClock, logger)
  await credentials.load()
  await setup(credentials)
  const broker = new EmbeddedBroker({
    dataDir,
    config: {
      port: 0,
      bindHost: '127.0.0.1',
      wsPort: null,
      tls: { enabled: false, port: 0 },
      allowAnonymousLoopback: true,
    },
    credentials,
    prefix: () => 'iot',
    clock: systemClock,
    logger,
    onPublish,
  })
  await broker.start()
  cleanups.push(() => broker.close())
  if (!dir) cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
  return { broker, dir: dataDir }
}

function until(check: () => boolean, ms = 5000): Promise<void> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (check()) resolve()
      else if (Date.now() - started > ms) reject(new Error('timed out'))
      else setTimeout(poll, 10)
    }
    poll()
  })
}

describe('in-process ingest from the embedded broker', () => {
  it('hands every publish to the app as a live message, without $SYS', async () => {
    const got: MqttMessage[] = []
    const { broker } = await startBroker((message, release) => {
      got.push(message)
      release()
    })
    const client = await connectAsync(broker.localUrl, { clientId: 'dev-1', reconnectPeriod: 0 })
    cleanups.push(() => client.endAsync(true))
    await client.publishAsync('iot/dev-1/telemetry', '{"temperature":21.5}', { qos: 1 })
    await client.publishAsync('iot/dev-1/status', 'online', { qos: 1, retain: true })
    await until(() => got.length >= 2)
    expect(got.map((m) => [m.topic, m.retain, m.qos, m.source])).toEqual([
      ['iot/dev-1/telemetry', false, 1, 'embedded'],
      // Live retained publishes reach subscribers with retain=0 (MQTT 3.1.1 §3.3.1.3).
      ['iot/dev-1/status', false, 1, 'embedded'],
    ])
    expect(Buffer.from(got[0]!.payload).toString()).toBe('{"temperature":21.5}')
    expect(got.some((m) => m.topic.startsWith('$SYS'))).toBe(false)
  })

  it('replays the retained messages it holds when it starts again, flagged retained', async () => {
    const first = await startBroker((_message, release) => release())
    const client = await connectAsync(first.broker.localUrl, {
      clientId: 'dev-2',
      reconnectPeriod: 0,
    })
    await client.publishAsync('iot/dev-2/info', '{"name":"Hall"}', { qos: 1, retain: true })
    await client.endAsync()
    await first.broker.close()

    const got: MqttMessage[] = []
    await startBroker((message, release) => {
      got.push(message)
      release()
    }, first.dir)
    expect(got.map((m) => [m.topic, m.retain])).toEqual([['iot/dev-2/info', true]])
  })

  it('reads no further from a publisher while the app holds its messages, and everything arrives once released', async () => {
    const held: Array<() => void> = []
    let received = 0
    let holding = true
    const { broker } = await startBroker((_message, release) => {
      received++
      if (holding) held.push(release)
      else release()
    })
    const total = 20_000
    const socket: Socket = connect(broker.tcpPort, '127.0.0.1')
    cleanups.push(() => void socket.destroy())
    socket.on('error', () => undefined)
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        clientId: 'flood',
        keepalive: 60,
      }),
    )
    // Like a device: publish once the CONNACK is in (aedes queues only a few packets before it).
    await new Promise((resolve) => socket.once('data', resolve))
    const payload = Buffer.alloc(200, 'x')
    for (let i = 0; i < total; i++)
      socket.write(
        mqttPacket.generate({
          cmd: 'publish',
          topic: 'iot/flood/telemetry',
          payload,
          qos: 0,
          retain: false,
          dup: false,
        }),
      )

    await until(() => received > 0)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const whileHeld = received
    // One socket read (at most a few hundred KB) is all aedes takes before it waits for us.
    expect(whileHeld).toBeLessThan(total / 4)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(received).toBe(whileHeld)

    holding = false
    for (const release of held.splice(0)) release()
    await until(() => received === total, 15_000)
    expect(received).toBe(total)
  })

  it('says which device login published a message, and nothing for anonymous local tools', async () => {
    const got: MqttMessage[] = []
    let account = { username: '', password: '' }
    const { broker } = await startBroker(
      (message, release) => {
        got.push(message)
        release()
      },
      undefined,
      async (credentials) => {
        account = await credentials.issue('board-7')
      },
    )
    const board = await connectAsync(broker.localUrl, {
      clientId: 'board-7',
      username: account.username,
      password: account.password,
      reconnectPeriod: 0,
    })
    cleanups.push(() => board.endAsync(true))
    const tool = await connectAsync(broker.localUrl, { clientId: 'tool', reconnectPeriod: 0 })
    cleanups.push(() => tool.endAsync(true))
    await board.publishAsync('iot/board-7/telemetry', '{"temperature":20}', { qos: 1 })
    await tool.publishAsync('home/sensors/temp_hum', 'temp:21,hum:40', { qos: 1 })
    await until(() => got.length >= 2)
    expect(got.map((m) => [m.topic, m.login])).toEqual([
      ['iot/board-7/telemetry', 'board-7'],
      ['home/sensors/temp_hum', undefined],
    ])
  })
})
