import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { createCore, type Core } from '../../src/main/core/create-core'
import { WebServer } from '../../src/main/server/web-server'
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
