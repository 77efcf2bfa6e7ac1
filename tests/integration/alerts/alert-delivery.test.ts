import { createServer as createHttpServer, type Server as HttpServer } from 'node:http'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/main/core/base/logger'
import { postWebhook } from '../../../src/main/core/alerts/webhook'
import type { MqttPublisher } from '../../../src/main/core/integrations/mqtt-port'
import { tempDir } from '../../helpers/temp-dir'
import { AlertHarness, device } from '../../unit/alerts/alert-fixtures'

interface Hit {
  path: string
  auth: string | undefined
  body: Record<string, unknown>
}

let http: HttpServer
let httpUrl: string
let hits: Hit[]
/** Status codes the webhook server answers with, one per request (then 200). */
let script: number[]

beforeAll(async () => {
  http = createHttpServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      const status = script.shift() ?? 200
      if (status === 0) return // never answer: the client's timeout must fire
      hits.push({
        path: req.url ?? '',
        auth: req.headers.authorization,
        body: JSON.parse(body) as Record<string, unknown>,
      })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  httpUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})
afterAll(() => {
  http.closeAllConnections()
  http.close()
})

let dir: { path: string; cleanup: () => Promise<void> }
let harnesses: AlertHarness[]
beforeEach(async () => {
  dir = await tempDir('iotcc-alert-delivery-')
  hits = []
  script = []
  harnesses = []
})
afterEach(async () => {
  for (const h of harnesses) await h.service.close()
  await dir.cleanup()
})

describe('webhook delivery', () => {
  it('POSTs JSON with the bearer token, retries a 503 with backoff, and logs no secrets', async () => {
    const lines: string[] = []
    const logger = createLogger({ level: 'debug', sink: (l) => lines.push(JSON.stringify(l)) })
    const h = await new AlertHarness(dir.path, [device('esp32-aaaaaa', { name: 'Living room' })], {
      logger,
      webhook: { backoffMs: 20, timeoutMs: 2000 },
    }).start()
    harnesses.push(h)
    await h.rule({
      name: 'Too hot',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
      actions: { webhook: { url: `${httpUrl}/hooks/SECRET-PATH`, token: 'SECRET-TOKEN' } },
    })
    script = [503, 503]
    h.read('esp32-aaaaaa', { temperature: 31 })
    await h.service.settled()
    // Retries wait on the (fake) clock: 20 ms, then 40 ms.
    for (let i = 0; i < 5 && hits.length < 3; i++) {
      h.clock.advance(50)
      await h.service.settled()
    }
    // Two 503s, then the 200: three identical requests.
    expect(hits).toHaveLength(3)
    expect(new Set(hits.map((hit) => JSON.stringify(hit))).size).toBe(1)
    expect(hits[2]?.path).toBe('/hooks/SECRET-PATH')
    expect(hits[2]?.auth).toBe('Bearer SECRET-TOKEN')
    expect(hits[2]?.body).toMatchObject({
      event: 'alert.fired',
      rule: { id: 'too-hot', name: 'Too hot' },
      incident: { deviceId: 'esp32-aaaaaa', value: 31, clearedAt: null },
      text: '⚠ Too hot: Living room: temperature 31 °C is above 30 °C',
    })
    h.read('esp32-aaaaaa', { temperature: 20 })
    await h.service.settled()
    expect(hits).toHaveLength(4)
    expect(hits[3]?.body).toMatchObject({
      event: 'alert.cleared',
      incident: { deviceId: 'esp32-aaaaaa' },
    })
    const log = lines.join('\n')
    expect(log).toContain('webhook failed, will retry')
    expect(log).not.toContain('SECRET')
    // The UI sees whether a token is set, never the token.
    expect(JSON.stringify(h.service.listRules())).not.toContain('SECRET-TOKEN')
  })

  it('gives up on a 4xx at once, and on silence after the timeout, with a readable result', async () => {
    const logger = createLogger({ sink: () => undefined })
    script = [404]
    const refused = await postWebhook(
      { url: `${httpUrl}/x`, token: null },
      {},
      { logger, backoffMs: 10 },
    )
    expect(refused).toEqual({
      ok: false,
      attempts: 1,
      detail: `${httpUrl}: HTTP 404`,
      retryable: false,
    })
    script = [0, 0]
    const silent = await postWebhook(
      { url: `${httpUrl}/x`, token: null },
      {},
      {
        logger,
        attempts: 2,
        backoffMs: 10,
        timeoutMs: 150,
      },
    )
    expect(silent).toEqual({
      ok: false,
      attempts: 2,
      detail: `${httpUrl}: no answer within 150 ms`,
      retryable: true,
    })
  })

  it('stays silent during quiet hours but still logs the incident', async () => {
    const h = await new AlertHarness(dir.path, [device('d')]).start()
    harnesses.push(h)
    await h.rule({
      name: 'Night',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'above', value: 30 },
      quietHours: { start: '00:00', end: '23:59' },
      actions: { webhook: { url: `${httpUrl}/quiet` } },
    })
    h.read('d', { temperature: 35 })
    await h.service.settled()
    expect(hits).toHaveLength(0)
    expect(h.service.query({ status: 'active', limit: 5 }).entries[0]?.quiet).toBe(true)
  })
})

describe('MQTT delivery (real broker)', () => {
  let broker: Aedes
  let server: Server
  let url: string
  const clients: MqttClient[] = []

  beforeAll(async () => {
    broker = await Aedes.createBroker()
    server = createServer(broker.handle)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    for (const c of clients) await c.endAsync()
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    server.close()
  })

  async function client(): Promise<MqttClient> {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 })
    clients.push(c)
    return c
  }

  /** The retained message a fresh subscriber gets on `topic` (null: none within 300 ms). */
  async function retained(topic: string): Promise<Record<string, unknown> | null> {
    const c = await client()
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 300)
      c.on('message', (t, payload, packet) => {
        if (t !== topic || !packet.retain) return
        clearTimeout(timer)
        resolve(
          payload.length === 0 ? null : (JSON.parse(payload.toString()) as Record<string, unknown>),
        )
      })
      void c.subscribeAsync(topic, { qos: 1 })
    })
  }

  it('publishes retained rule state to iot/alerts/<rule> and removes it with the rule', async () => {
    const publisherClient = await client()
    const publisher: MqttPublisher = {
      publish: async (topic, payload, options) => {
        await publisherClient.publishAsync(topic, payload, options)
      },
    }
    const h = await new AlertHarness(
      dir.path,
      [device('a', { name: 'Attic' }), device('b', { name: 'Barn' })],
      {
        mqtt: () => publisher,
      },
    ).start()
    harnesses.push(h)
    const rule = await h.rule({
      name: 'Frost',
      target: { type: 'all' },
      condition: { type: 'threshold', metric: 'temperature', direction: 'below', value: 0 },
      actions: { mqtt: true },
    })
    h.read('a', { temperature: -1 })
    h.read('b', { temperature: -2 })
    await h.service.settled()
    const firing = await retained('iot/alerts/frost')
    expect(firing).toMatchObject({
      rule: 'frost',
      name: 'Frost',
      state: 'firing',
      active: [
        { device: 'a', deviceName: 'Attic', value: -1 },
        { device: 'b', deviceName: 'Barn', value: -2 },
      ],
      last: { event: 'fired', device: 'b' },
    })
    h.read('a', { temperature: 5 })
    h.read('b', { temperature: 5 })
    await h.service.settled()
    expect(await retained('iot/alerts/frost')).toMatchObject({
      state: 'ok',
      active: [],
      last: { event: 'cleared' },
    })

    const results = await h.service.test(rule.id)
    expect(results).toEqual([
      { channel: 'mqtt', ok: true, detail: 'published to iot/alerts/frost/test' },
    ])

    await h.service.deleteRule(rule.id)
    await h.service.settled()
    expect(await retained('iot/alerts/frost')).toBeNull()
  })
})
