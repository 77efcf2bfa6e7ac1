/**
 * Home Assistant configs and alert states go to one chosen connection (default: the embedded
 * broker the devices are on), whatever order the connections came up in after a restart, and
 * follow a change of that choice: removed where they were, published on the new one.
 * Real brokers: the core's embedded aedes and a second aedes as the "external" broker.
 */
import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallOutcome } from '../../../src/shared/api'
import { silentLogger } from '../../../src/main/core/base/logger'
import { createCore, type Core } from '../../../src/main/core/create-core'
import { tempDir } from '../../helpers/temp-dir'

const CONFIG = 'homeassistant/sensor/esp32-a1b2c3/temperature/config'
const ALERT = 'iot/alerts/too-hot'

let dir: { path: string; cleanup: () => Promise<void> }
let core: Core
let external: { broker: Aedes; server: Server; url: string }
const clients: MqttClient[] = []

async function call<T = unknown>(method: string, params: unknown = {}): Promise<T> {
  const outcome: CallOutcome = await core.call(method, params)
  if (!outcome.ok) throw new Error(outcome.error.message)
  return outcome.result as T
}

const start = (): Promise<Core> =>
  createCore({
    dataDir: dir.path,
    shell: 'web',
    version: 'test',
    logger: silentLogger,
    mqtt: { brokerPort: 0, anonymousLoopback: true, backoff: { initialMs: 100, maxMs: 400 } },
  })

const embeddedUrl = (): string => `mqtt://127.0.0.1:${core.mqtt.broker?.tcpPort}`

async function client(url: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 })
  clients.push(c)
  return c
}

/** The retained payload a fresh subscriber gets on `topic` ('' = none within 300 ms). */
async function retained(url: string, topic: string): Promise<string> {
  const c = await client(url)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(''), 300)
    c.on('message', (t, payload, packet) => {
      if (t !== topic || !packet.retain) return
      clearTimeout(timer)
      resolve(payload.toString())
    })
    void c.subscribeAsync(topic, { qos: 1 })
  })
}

async function allConnected(): Promise<void> {
  await expect
    .poll(
      async () =>
        (await call<{ state: { status: string } }[]>('connections.list')).every(
          (c) => c.state.status === 'connected',
        ),
      { timeout: 8000 },
    )
    .toBe(true)
}

beforeAll(async () => {
  dir = await tempDir('mqtt-target-')
  const broker = await Aedes.createBroker()
  const server = createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  external = { broker, server, url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}` }
  core = await start()
})
afterAll(async () => {
  for (const c of clients) await c.endAsync()
  await core.close()
  await new Promise<void>((resolve) => external.broker.close(() => resolve()))
  external.server.close()
  await dir.cleanup()
})

describe('where HA configs and alert states are published', () => {
  it('goes to the devices’ embedded broker after a restart, follows a change, and cleans up', async () => {
    const lab = await call<{ id: string }>('connections.add', {
      name: 'Lab broker',
      url: external.url,
      subscriptions: [{ topic: 'nothing/#', qos: 1 }],
    })
    // After a restart the saved external connection is opened before the embedded one.
    await core.close()
    core = await start()
    await allConnected()

    const board = await client(embeddedUrl())
    await board.publishAsync('iot/esp32-a1b2c3/status', 'online', { qos: 1, retain: true })
    await board.publishAsync('iot/esp32-a1b2c3/telemetry', '{"temperature":21,"humidity":40}', {
      qos: 1,
    })
    await expect.poll(() => core.devices.has('esp32-a1b2c3'), { timeout: 5000 }).toBe(true)
    await call('alerts.createRule', {
      name: 'Too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
      actions: { notify: false, mqtt: true, webhook: null },
    })
    await call('integrations.setHomeAssistant', { enabled: true })
    await board.publishAsync('iot/esp32-a1b2c3/telemetry', '{"temperature":31,"humidity":40}', {
      qos: 1,
    })

    expect(await call('integrations.mqttTarget')).toMatchObject({
      connectionId: null,
      resolved: { id: 'embedded', connected: true },
    })
    await expect
      .poll(() => retained(embeddedUrl(), CONFIG), { timeout: 5000 })
      .toContain('"state_topic"')
    await expect.poll(() => retained(embeddedUrl(), ALERT), { timeout: 5000 }).toContain('firing')
    expect(await retained(external.url, CONFIG)).toBe('')
    expect(await retained(external.url, ALERT)).toBe('')

    // The person picks the lab broker: everything moves there, nothing stays behind.
    await call('integrations.setMqttTarget', { connectionId: lab.id })
    await expect
      .poll(() => retained(external.url, CONFIG), { timeout: 5000 })
      .toContain('"state_topic"')
    await expect.poll(() => retained(external.url, ALERT), { timeout: 5000 }).toContain('firing')
    await expect.poll(() => retained(embeddedUrl(), CONFIG), { timeout: 5000 }).toBe('')
    expect(await retained(embeddedUrl(), ALERT)).toBe('')

    // Switching HA off removes the configs where they are, i.e. on the lab broker.
    await call('integrations.setHomeAssistant', { enabled: false })
    await expect.poll(() => retained(external.url, CONFIG), { timeout: 5000 }).toBe('')
    expect(await retained(embeddedUrl(), CONFIG)).toBe('')
    expect(await retained(external.url, ALERT)).toContain('firing')
  })
})
