/**
 * The MQTT capability through the contract, as the UI uses it: a real core with its
 * embedded broker, the seed's publisher (mosquitto_pub), virtual devices, commands and
 * acks, the topic explorer and its coalesced events, external connections.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { connectAsync } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../../src/main/core/base/logger'
import { createCore, type Core } from '../../../src/main/core/create-core'
import type { CallOutcome, EventName, EventPayload } from '../../../src/shared/api'
import { tempDir } from '../../helpers/temp-dir'
import { freePort } from '../../helpers/free-port'

let dir: { path: string; cleanup: () => Promise<void> }
let core: Core
const mqttOptions = {
  brokerPort: 0,
  anonymousLoopback: true,
  backoff: { initialMs: 100, maxMs: 400 },
}

async function call<T = unknown>(method: string, params: unknown = {}): Promise<T> {
  const outcome: CallOutcome = await core.call(method, params)
  if (!outcome.ok)
    throw Object.assign(new Error(outcome.error.message), { code: outcome.error.code })
  return outcome.result as T
}

function next<E extends EventName>(
  event: E,
  check: (p: EventPayload<E>) => boolean,
  timeoutMs = 8000,
): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no ${event} event matching`))
    }, timeoutMs)
    const off = core.events.on(event, (payload) => {
      if (!check(payload)) return
      clearTimeout(timer)
      off()
      resolve(payload)
    })
  })
}

beforeAll(async () => {
  dir = await tempDir('mqtt-core-')
  core = await createCore({
    dataDir: dir.path,
    shell: 'web',
    version: 'test',
    logger: silentLogger,
    mqtt: mqttOptions,
  })
})
afterAll(async () => {
  await core.close()
  await dir.cleanup()
})

const port = (): number => core.mqtt.broker!.tcpPort

describe('MQTT through the contract', () => {
  it("turns the seed's mosquitto_pub into a device with temperature 21 and humidity 40", async () => {
    const seen = next('topics.updated', (b) =>
      b.topics.some((t) => t.topic === 'home/sensors/temp_hum'),
    )
    await promisify(execFile)('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port()),
      '-t',
      'home/sensors/temp_hum',
      '-m',
      'temp:21,hum:40',
    ])
    await seen
    const devices =
      await call<Array<{ id: string; latest: Record<string, { value: number }> }>>('devices.list')
    const seed = devices.find((d) => d.id === 'home.sensors.temp_hum')
    expect(seed?.latest.temperature?.value).toBe(21)
    expect(seed?.latest.humidity?.value).toBe(40)
  })

  it('runs virtual devices that answer commands with acks the call waits for', async () => {
    const status = await call<{ running: boolean; devices: string[] }>('simulator.start', {
      count: 2,
      rateHz: 5,
    })
    expect(status).toMatchObject({ running: true, devices: ['sim-001', 'sim-002'] })
    const ack = await call<{ ok: boolean; ack: Record<string, unknown> }>('devices.command', {
      deviceId: 'sim-002',
      command: { cmd: 'identify', seconds: 3 },
    })
    expect(ack.ok).toBe(true)
    expect(ack.ack).toMatchObject({ event: 'ack', cmd: 'identify', ok: true, seconds: 3 })
    const nack = await call<{ ok: boolean; error: string | null }>('devices.command', {
      deviceId: 'sim-001',
      command: { cmd: 'dance' },
    })
    expect(nack).toMatchObject({ ok: false, error: 'unknown command' })
    await next('topics.updated', (b) => b.topics.some((t) => t.topic === 'iot/sim-001/telemetry'))
    const telemetry = await call<{ topics: Array<{ topic: string; payload: { text: string } }> }>(
      'topics.list',
      { filter: 'iot/sim-001/telemetry' },
    )
    const body = JSON.parse(telemetry.topics[0]!.payload.text) as Record<string, number>
    expect(Object.keys(body)).toEqual(['temperature', 'humidity', 'ts', 'seq'])
    const stopped = await call<{ running: boolean }>('simulator.stop')
    expect(stopped.running).toBe(false)
    const offline = await call<{ topics: Array<{ payload: { text: string } }> }>('topics.list', {
      filter: 'iot/sim-001/status',
    })
    expect(offline.topics[0]?.payload.text).toBe('offline')
  })

  it('times out a command nobody acknowledges, saying so', async () => {
    await expect(
      call('devices.command', { deviceId: 'ghost', command: { cmd: 'reboot' }, timeoutMs: 300 }),
    ).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringContaining('ghost did not acknowledge "reboot"'),
    })
  })

  it('coalesces a flood into at most 20 topic batches a second', async () => {
    let batches = 0
    const off = core.events.on('topics.updated', () => batches++)
    const client = await connectAsync(`mqtt://127.0.0.1:${port()}`, { clientId: 'flood' })
    const started = Date.now()
    const last = next('topics.updated', (b) =>
      b.topics.some((t) => t.topic === 'flood/9' && t.count === 100),
    )
    for (let i = 0; i < 1000; i++) client.publish(`flood/${i % 10}`, String(i))
    await last
    const elapsed = Date.now() - started
    off()
    await client.endAsync()
    expect(batches).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1)
    const listed = await call<{ topics: Array<{ topic: string; count: number }> }>('topics.list', {
      filter: 'flood/#',
    })
    expect(listed.topics.map((t) => t.count)).toEqual(Array(10).fill(100))
  })

  it('publishes from the UI and shows binary payloads as hex', async () => {
    const seen = next('topics.updated', (b) => b.topics.some((t) => t.topic === 'ui/bin'))
    await call('mqtt.publish', {
      topic: 'ui/bin',
      payload: '00ff10',
      encoding: 'hex',
      qos: 1,
      retain: true,
    })
    const batch = await seen
    expect(batch.topics.find((t) => t.topic === 'ui/bin')?.payload).toMatchObject({
      encoding: 'hex',
      text: '00 ff 10',
      bytes: 3,
    })
    await expect(call('mqtt.publish', { topic: 'ui/#', payload: 'x' })).rejects.toMatchObject({
      code: 'INVALID_PARAMS',
    })
  })

  it('keeps external connections, never returning their password, and explains failures', async () => {
    const unreachable = `mqtt://127.0.0.1:${port() === 1 ? 2 : 1}`
    const added = await call<Record<string, unknown>>('connections.add', {
      name: 'Lab Mosquitto',
      url: unreachable,
      username: 'lab',
      password: 's3cret-pass',
    })
    expect(added).toMatchObject({ hasPassword: true, username: 'lab', clean: false })
    expect(JSON.stringify(await call('connections.list'))).not.toContain('s3cret-pass')
    const changed = await next(
      'connection.changed',
      (c) => c.id === added.id && c.state.status === 'reconnecting',
    )
    expect(changed.state.lastError).toMatch(
      /^host unreachable: nothing accepts connections at 127\.0\.0\.1:/,
    )
    const tested = await call<{ ok: boolean; error: string }>('connections.test', {
      name: 'x',
      url: unreachable,
    })
    expect(tested.error).toMatch(/^host unreachable/)
    await call('connections.update', { id: added.id, enabled: false })
    expect(readFileSync(join(dir.path, 'connections.json'), 'utf8')).toContain('"enabled": false')
    await call('connections.remove', { id: added.id })
    expect((await call<Array<{ id: string }>>('connections.list')).map((c) => c.id)).toEqual([
      'embedded',
    ])
  })

  it('reports broker status, LAN addresses and issues device credentials', async () => {
    const status = await call<{
      running: boolean
      listeners: Array<{ kind: string; port: number }>
      retainedCount: number
    }>('broker.status')
    expect(status.running).toBe(true)
    expect(status.listeners[0]).toMatchObject({ kind: 'tcp', port: port() })
    expect(status.retainedCount).toBeGreaterThan(0)
    const issued = await core.mqtt.issueDeviceCredentials('esp32-a1b2c3')
    expect(issued.username).toBe('esp32-a1b2c3')
    expect(
      (await call<Array<{ deviceId: string }>>('broker.credentials.list')).map((c) => c.deviceId),
    ).toContain('esp32-a1b2c3')
    const ca = await call<{ pem: string; fingerprint: string }>('broker.ca')
    expect(ca.pem).toMatch(/^-----BEGIN CERTIFICATE-----/)
    expect(ca.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
  })

  it('applies changed broker settings by restarting the broker, and the app reconnects', async () => {
    const wsPort = await freePort()
    await call('settings.update', { broker: { wsPort } })
    await core.mqtt.applySettings()
    const status = await call<{ listeners: Array<{ kind: string; port: number }> }>('broker.status')
    expect(status.listeners.map((l) => l.kind)).toEqual(['tcp', 'ws'])
    expect(status.listeners[1]?.port).toBe(wsPort)
    const embedded = (): Promise<{ state: { status: string } } | undefined> =>
      call<Array<{ id: string; state: { status: string } }>>('connections.list').then((l) =>
        l.find((c) => c.id === 'embedded'),
      )
    if ((await embedded())?.state.status !== 'connected') {
      await next('connection.changed', (c) => c.id === 'embedded' && c.state.status === 'connected')
    }
    const ws = await connectAsync(`ws://127.0.0.1:${wsPort}`, { clientId: 'ws-tool' })
    const seen = next('topics.updated', (b) => b.topics.some((t) => t.topic === 'ws/hello'))
    await ws.publishAsync('ws/hello', 'hi', { qos: 1 })
    await seen
    await ws.endAsync()
  })
})
