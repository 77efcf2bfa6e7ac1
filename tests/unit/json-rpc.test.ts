import { describe, expect, it } from 'vitest'
import type { CallOutcome } from '../../src/shared/api'
import {
  CallGate,
  handleJsonRpcMessage,
  MAX_BATCH_CALLS,
  MAX_MESSAGE_BYTES,
  MAX_REPLY_BYTES,
} from '../../src/main/server/json-rpc'
import { batchFrames } from '../../src/main/server/web-server'

const calls: Array<[unknown, unknown]> = []
const call = async (method: unknown, params: unknown): Promise<CallOutcome> => {
  calls.push([method, params])
  if (method === 'echo') return { ok: true, result: params }
  if (method === 'big') return { ok: true, result: 'x'.repeat((params as { chars: number }).chars) }
  if (method === 'bigint') return { ok: true, result: 10n }
  if (method === 'throw') throw new Error('handler exploded')
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

describe('JSON-RPC limits: one message never takes the server down', () => {
  const request = (id: number, method: string, params?: unknown): object => ({
    jsonrpc: '2.0',
    id,
    method,
    ...(params === undefined ? {} : { params }),
  })

  it('refuses a batch longer than the maximum with one error and runs none of it', async () => {
    calls.length = 0
    const batch = Array.from({ length: MAX_BATCH_CALLS + 1 }, (_, i) => request(i, 'echo'))
    expect(await reply(JSON.stringify(batch))).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: expect.objectContaining({
        code: -32600,
        message: `Batch of ${MAX_BATCH_CALLS + 1} calls; the limit is ${MAX_BATCH_CALLS}: split it.`,
      }),
    })
    expect(calls).toEqual([])
    const full = (await reply(JSON.stringify(batch.slice(1)))) as unknown[]
    expect(full).toHaveLength(MAX_BATCH_CALLS)
  })

  it('turns a result too large to send into an error for that call and answers the others', async () => {
    const text = await handleJsonRpcMessage(
      JSON.stringify([
        request(1, 'echo', { v: 1 }),
        request(2, 'big', { chars: MAX_REPLY_BYTES }),
        request(3, 'echo', { v: 3 }),
      ]),
      call,
    )
    expect(text!.length).toBeLessThan(MAX_REPLY_BYTES)
    expect(JSON.parse(text!)).toEqual([
      { jsonrpc: '2.0', id: 1, result: { v: 1 } },
      {
        jsonrpc: '2.0',
        id: 2,
        error: expect.objectContaining({
          code: -32007,
          message: expect.stringMatching(/^big: result too large: ask for less \(limit\/range\)/),
        }),
      },
      { jsonrpc: '2.0', id: 3, result: { v: 3 } },
    ])
    expect(
      await reply(JSON.stringify(request(4, 'big', { chars: MAX_REPLY_BYTES }))),
    ).toMatchObject({ id: 4, error: { code: -32007, data: { code: 'BAD_INPUT' } } })
  })

  it('keeps a whole batch reply under the limit even when each result alone fits', async () => {
    const third = Math.floor(MAX_REPLY_BYTES / 3)
    const batch = [1, 2, 3, 4, 5].map((id) => request(id, 'big', { chars: third }))
    const text = await handleJsonRpcMessage(JSON.stringify(batch), call)
    expect(Buffer.byteLength(text!)).toBeLessThanOrEqual(MAX_REPLY_BYTES)
    const replies = JSON.parse(text!) as Array<{ id: number; result?: string; error?: object }>
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3, 4, 5])
    expect(replies.filter((r) => r.result !== undefined)).toHaveLength(2)
    expect(replies.filter((r) => r.error !== undefined)).toHaveLength(3)
  })

  it('answers a call that throws or returns what JSON cannot hold with an error, never a rejection', async () => {
    expect(await reply(JSON.stringify(request(1, 'throw')))).toMatchObject({
      id: 1,
      error: { code: -32603, data: { code: 'INTERNAL' } },
    })
    expect(await reply(JSON.stringify(request(2, 'bigint')))).toMatchObject({
      id: 2,
      error: { code: -32603, data: { code: 'INTERNAL' } },
    })
  })

  it('runs at most the gate size of calls at once; the others wait their turn, in order', async () => {
    const gate = new CallGate(3)
    let running = 0
    let most = 0
    const started: number[] = []
    const releases: Array<() => void> = []
    const task = (n: number) => async (): Promise<number> => {
      started.push(n)
      most = Math.max(most, ++running)
      await new Promise<void>((resolve) => releases.push(resolve))
      running--
      return n
    }
    const results = Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => gate.run(task(n))))
    await new Promise((resolve) => setImmediate(resolve))
    expect(started).toEqual([1, 2, 3])
    expect(gate.pending).toBe(7)
    while (releases.length > 0) {
      releases.shift()!()
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await results).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(most).toBe(3)
    expect(gate.pending).toBe(0)
    // A task that fails frees its slot too.
    await expect(gate.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no')
    expect(gate.pending).toBe(0)
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
