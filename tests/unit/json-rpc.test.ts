import { describe, expect, it } from 'vitest'
import type { CallOutcome } from '../../src/shared/api'
import { handleJsonRpcMessage, MAX_MESSAGE_BYTES } from '../../src/main/server/json-rpc'
import { batchFrames } from '../../src/main/server/web-server'

const calls: Array<[unknown, unknown]> = []
const call = async (method: unknown, params: unknown): Promise<CallOutcome> => {
  calls.push([method, params])
  if (method === 'echo') return { ok: true, result: params }
  return {
    ok: false,
    error: { code: 'METHOD_NOT_FOUND', message: `Unknown method "${String(method)}".` },
  }
}
const reply = async (text: string): Promise<unknown> => {
  const out = await handleJsonRpcMessage(text, call)
  return out === undefined ? undefined : JSON.parse(out)
}

describe('JSON-RPC 2.0 handling', () => {
  it('answers a request with its id and result', async () => {
    expect(await reply('{"jsonrpc":"2.0","id":7,"method":"echo","params":{"a":1}}')).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { a: 1 },
    })
  })

  it('maps contract errors to JSON-RPC codes with the typed error in data', async () => {
    expect(await reply('{"jsonrpc":"2.0","id":"x","method":"nope"}')).toEqual({
      jsonrpc: '2.0',
      id: 'x',
      error: {
        code: -32601,
        message: 'Unknown method "nope".',
        data: { code: 'METHOD_NOT_FOUND', message: 'Unknown method "nope".' },
      },
    })
  })

  it('reports a parse error with id null', async () => {
    expect(await reply('{"jsonrpc":')).toMatchObject({ id: null, error: { code: -32700 } })
  })

  it('refuses requests that are not JSON-RPC 2.0 objects', async () => {
    expect(await reply('"hello"')).toMatchObject({ id: null, error: { code: -32600 } })
    expect(await reply('{"id":1,"method":"echo"}')).toMatchObject({
      id: 1,
      error: { code: -32600 },
    })
    expect(await reply('{"jsonrpc":"2.0","id":{},"method":"echo"}')).toMatchObject({
      id: null,
      error: { code: -32600 },
    })
    expect(await reply('{"jsonrpc":"2.0","id":2,"method":"echo","params":[1,2]}')).toMatchObject({
      id: 2,
      error: { code: -32602 },
    })
    expect(await reply('[]')).toMatchObject({ error: { code: -32600 } })
  })

  it('runs notifications without answering them', async () => {
    calls.length = 0
    expect(await reply('{"jsonrpc":"2.0","method":"echo","params":{"n":1}}')).toBeUndefined()
    expect(calls).toEqual([['echo', { n: 1 }]])
  })

  it('answers a batch in one array, leaving out notifications', async () => {
    const out = await reply(
      '[{"jsonrpc":"2.0","id":1,"method":"echo","params":{"v":1}},{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":2,"method":"nope"}]',
    )
    expect(out).toEqual([
      { jsonrpc: '2.0', id: 1, result: { v: 1 } },
      expect.objectContaining({ id: 2, error: expect.objectContaining({ code: -32601 }) }),
    ])
  })

  it('refuses an oversize message without parsing it', async () => {
    calls.length = 0
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'echo',
      params: { s: 'x'.repeat(MAX_MESSAGE_BYTES) },
    })
    expect(await reply(big)).toMatchObject({
      id: null,
      error: { code: -32600, message: expect.stringMatching(/too large/) },
    })
    expect(calls).toEqual([])
  })
})

describe('event frames', () => {
  it('sends a lone event as a plain notification and several as batches under the frame size', () => {
    const one = '{"jsonrpc":"2.0","method":"a","params":1}'
    expect(batchFrames([one])).toEqual([one])
    const big = `{"jsonrpc":"2.0","method":"b","params":"${'x'.repeat(200_000)}"}`
    const frames = batchFrames([one, big, big, big, one])
    // Every notification arrives exactly once, in order, and no frame exceeds ~512 KB.
    const back = frames.flatMap((f) => JSON.parse(f) as unknown[])
    expect(back).toEqual([one, big, big, big, one].map((n) => JSON.parse(n)))
    expect(frames.length).toBeGreaterThan(1)
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(512 * 1024 + 2)
  })
})
