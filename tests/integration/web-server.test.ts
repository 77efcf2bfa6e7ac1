import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { createCore, type Core } from '../../src/main/core/create-core'
import { MAX_BATCH_CALLS, MAX_REPLY_BYTES } from '../../src/main/server/json-rpc'
import { MAX_CALLS_IN_FLIGHT, WebServer } from '../../src/main/server/web-server'
import type { CallOutcome } from '../../src/shared/api'
import { RpcSocket } from '../helpers/rpc-socket'
import { tempDir } from '../helpers/temp-dir'

const TOKEN = 'test-token-123456'
let dir: Awaited<ReturnType<typeof tempDir>>
let core: Core
let server: WebServer
let base: string
let wsBase: string

beforeAll(async () => {
  dir = await tempDir()
  const staticDir = join(dir.path, 'renderer')
  await mkdir(staticDir)
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>shell</title>')
  await writeFile(join(dir.path, 'secret.txt'), 'outside the static root')
  core = await createCore({
    dataDir: join(dir.path, 'data'),
    shell: 'web',
    version: '1.2.3',
    logger: silentLogger,
  })
  server = new WebServer({
    core,
    staticDir,
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    logger: silentLogger,
  })
  const address = await server.start()
  expect(address.url).toBe(`http://127.0.0.1:${address.port}/?token=${TOKEN}`)
  base = `http://127.0.0.1:${address.port}`
  wsBase = `ws://127.0.0.1:${address.port}/rpc`
})

afterAll(async () => {
  await server.close()
  await core.close()
  await dir.cleanup()
})

describe('web mode HTTP', () => {
  it('refuses requests without the token', async () => {
    const res = await fetch(`${base}/`)
    expect(res.status).toBe(401)
    expect(await res.text()).toMatch(/token/)
    expect((await fetch(`${base}/?token=wrong-token-xx`)).status).toBe(401)
  })

  it('serves the UI with the token and sets a cookie for its assets', async () => {
    const res = await fetch(`${base}/?token=${TOKEN}`)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<title>shell</title>')
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/iotcc_token=.+; HttpOnly; SameSite=Strict/)
    const again = await fetch(`${base}/index.html`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(again.status).toBe(200)
  })

  it('accepts a bearer token and never serves files outside the UI folder', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` }
    expect((await fetch(`${base}/index.html`, { headers: auth })).status).toBe(200)
    expect((await fetch(`${base}/..%2Fsecret.txt`, { headers: auth })).status).toBe(404)
    expect((await fetch(`${base}/%2e%2e/secret.txt`, { headers: auth })).status).toBe(404)
    expect((await fetch(`${base}/index.html`, { method: 'POST', headers: auth })).status).toBe(405)
  })
})

describe('web mode JSON-RPC over WebSocket', () => {
  it('refuses a socket without a valid token', async () => {
    await expect(RpcSocket.open(wsBase)).rejects.toThrow(/401|Unexpected server response/)
    await expect(RpcSocket.open(`${wsBase}?token=nope-nope-nope`)).rejects.toThrow()
  })

  it('refuses a socket opened from another site', async () => {
    await expect(
      RpcSocket.open(`${wsBase}?token=${TOKEN}`, { origin: 'http://evil.example' }),
    ).rejects.toThrow()
  })

  it('calls methods with the token in the query or a bearer header', async () => {
    const a = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    const info = await a.call<{ version: string; shell: string }>('app.info')
    expect(info).toMatchObject({ version: '1.2.3', shell: 'web' })
    a.close()
    const b = await RpcSocket.open(wsBase, { authorization: `Bearer ${TOKEN}` })
    expect(await b.call('settings.get')).toMatchObject({ ui: { theme: 'system' } })
    b.close()
  })

  it('answers bad calls with typed errors and keeps serving', async () => {
    const rpc = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    expect(await rpc.request('nope.nothing')).toMatchObject({
      error: { code: -32601, data: { code: 'METHOD_NOT_FOUND' } },
    })
    expect(await rpc.request('settings.update', { ui: { units: 'K' } })).toMatchObject({
      error: { code: -32602, data: { code: 'INVALID_PARAMS', issues: [{ path: 'ui.units' }] } },
    })
    expect(await rpc.sendRaw('{not json', null)).toMatchObject({
      id: null,
      error: { code: -32700 },
    })
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 9,
      method: 'app.info',
      params: { pad: 'x'.repeat(2_000_000) },
    })
    expect(await rpc.sendRaw(huge, null)).toMatchObject({ error: { code: -32600 } })
    expect(await rpc.call('app.info')).toMatchObject({ shell: 'web' })
    rpc.close()
  })

  it('pushes events to every connected client as notifications', async () => {
    const watcher = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    const actor = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    await actor.call('settings.update', { ui: { theme: 'dark' } })
    const payload = await watcher.waitFor('settings.changed')
    expect(payload).toMatchObject({ ui: { theme: 'dark' } })
    watcher.close()
    actor.close()
  })

  it('sends events emitted together as one batch frame, in order', async () => {
    const watcher = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    const frames: unknown[] = []
    // Only our events: broker.stats may tick in between, alone or in the same batch.
    const ours = (n: unknown): boolean => (n as { method?: string }).method === 'device.removed'
    watcher.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as unknown
      if (Array.isArray(frame) ? frame.some(ours) : ours(frame))
        frames.push(Array.isArray(frame) ? frame.filter(ours) : frame)
    })
    core.events.emit('device.removed', { id: 'a' })
    core.events.emit('device.removed', { id: 'b' })
    core.events.emit('device.removed', { id: 'c' })
    await watcher.waitFor('device.removed')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(frames).toEqual([
      ['a', 'b', 'c'].map((id) => ({ jsonrpc: '2.0', method: 'device.removed', params: { id } })),
    ])
    watcher.close()
  })
})

describe('web mode limits: one client message never takes the server down', () => {
  /** Devices the way they arrive: our firmware's info and telemetry over MQTT. */
  async function fleet(count: number): Promise<number> {
    for (let i = 0; i < count; i++) {
      const id = `esp32-${i.toString(16).padStart(6, '0')}`
      const message = (topic: string, payload: string): void =>
        core.ingest({
          topic: `iot/${id}/${topic}`,
          payload: new TextEncoder().encode(payload),
          qos: 1,
          retain: topic === 'info',
          receivedAt: Date.now(),
          source: 'embedded',
        })
      message('info', `{"name":"Sensor ${i}","fw":"1.0.0","mac":"a4:cf:12:00:00:00"}`)
      message('telemetry', `{"temperature":21.5,"humidity":40,"seq":${i}}`)
    }
    for (;;) {
      const outcome = await core.call('devices.list', {})
      if (outcome.ok && (outcome.result as unknown[]).length >= count)
        return JSON.stringify(outcome.result).length
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  it('refuses the frame that crashed serve (16,000 devices.list calls) and keeps serving', async () => {
    await fleet(110)
    const rpc = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    const calls = Array.from(
      { length: 16_000 },
      (_, i) => `{"jsonrpc":"2.0","id":${i},"method":"devices.list","params":{}}`,
    )
    const frame = `[${calls.join(',')}]`
    expect(Buffer.byteLength(frame)).toBeLessThan(1024 * 1024)
    expect(await rpc.sendRaw(frame, null)).toMatchObject({
      error: { code: -32600, message: expect.stringMatching(/Batch of 16000 calls/) },
    })
    const over = `[${calls.slice(0, MAX_BATCH_CALLS + 1).join(',')}]`
    expect(await rpc.sendRaw(over, null)).toMatchObject({ error: { code: -32600 } })
    expect(await rpc.call('app.info')).toMatchObject({ shell: 'web' })
    rpc.close()
  })

  it('answers a batch whose replies outgrow the limit with "result too large" for the rest', async () => {
    const listBytes = await fleet(600)
    // A realistic fleet: a hundred lists of it are more than one reply may hold.
    expect(listBytes * MAX_BATCH_CALLS).toBeGreaterThan(MAX_REPLY_BYTES)
    const rpc = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    const frames: string[] = []
    rpc.ws.on('message', (data) => frames.push(data.toString()))
    const batch = Array.from({ length: MAX_BATCH_CALLS }, (_, i) => ({
      jsonrpc: '2.0',
      id: 1000 + i,
      method: 'devices.list',
      params: {},
    }))
    await rpc.sendRaw(JSON.stringify(batch), 1000)
    const reply = frames.find((f) => f.startsWith('[{"jsonrpc":"2.0","id":1000'))!
    expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(MAX_REPLY_BYTES)
    const replies = JSON.parse(reply) as Array<{ id: number; result?: unknown[]; error?: object }>
    expect(replies).toHaveLength(MAX_BATCH_CALLS)
    const answered = replies.filter((r) => r.result)
    expect(answered.length).toBeGreaterThan(0)
    expect(answered.length).toBeLessThan(MAX_BATCH_CALLS)
    for (const r of answered) expect(r.result).toHaveLength(600)
    for (const r of replies.filter((r) => r.error)) {
      expect(r.error).toMatchObject({
        code: -32007,
        message: expect.stringMatching(/devices\.list: result too large: ask for less/),
      })
    }
    expect(await rpc.call('app.info')).toMatchObject({ shell: 'web' })
    rpc.close()
  })

  it('runs at most MAX_CALLS_IN_FLIGHT calls of one connection at once and answers them all', async () => {
    let running = 0
    let most = 0
    const slow = async (method: unknown, params: unknown): Promise<CallOutcome> => {
      most = Math.max(most, ++running)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
      return core.call(method, params)
    }
    const gated = new WebServer({
      core: { call: slow, events: core.events },
      staticDir: join(dir.path, 'renderer'),
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      logger: silentLogger,
    })
    const { port } = await gated.start()
    const rpc = await RpcSocket.open(`ws://127.0.0.1:${port}/rpc?token=${TOKEN}`)
    const batch = (first: number): string =>
      JSON.stringify(
        Array.from({ length: 50 }, (_, i) => ({
          jsonrpc: '2.0',
          id: first + i,
          method: 'app.info',
        })),
      )
    // 210 calls in 63 messages: the server stops reading past 32 unanswered, then resumes.
    const replies = await Promise.all([
      rpc.sendRaw(batch(1001), 1001),
      rpc.sendRaw(batch(2001), 2001),
      rpc.sendRaw(batch(3001), 3001),
      ...Array.from({ length: 60 }, () => rpc.call('app.info')),
    ])
    expect(replies.slice(3)).toHaveLength(60)
    expect(most).toBe(MAX_CALLS_IN_FLIGHT)
    rpc.close()
    await gated.close()
  })

  it('sends the events a call emitted before its reply, not after', async () => {
    const socket = await RpcSocket.open(`${wsBase}?token=${TOKEN}`)
    const order: string[] = []
    socket.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as unknown
      for (const m of Array.isArray(frame) ? frame : [frame]) {
        const message = m as { method?: string; id?: number }
        if (message.method === 'settings.changed') order.push('event')
        else if (message.id !== undefined) order.push('reply')
      }
    })
    await socket.call('settings.update', { ui: { theme: 'light' } })
    expect(order).toEqual(['event', 'reply'])
    socket.close()
  })
})
