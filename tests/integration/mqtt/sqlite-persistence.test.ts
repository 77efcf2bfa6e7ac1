/**
 * The embedded broker's persistence passes aedes-persistence's own conformance suite
 * (abstract.js, the tests every aedes persistence must pass), then survives a reopen.
 */
import assert from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { SqlitePersistence } from '../../../src/main/core/broker/persistence/sqlite-persistence'

const require = createRequire(import.meta.url)
const abstractSuite = require('aedes-persistence/abstract.js') as (opts: object) => void

interface NodeTestContext {
  plan(n: number): void
  diagnostic(message: string): void
  assert: typeof assert
}

describe('aedes-persistence conformance (abstract.js)', () => {
  abstractSuite({
    test: (name: string, fn: (t: NodeTestContext) => Promise<void> | void) =>
      it(name, () => fn({ plan: () => undefined, diagnostic: () => undefined, assert })),
    persistence: () => new SqlitePersistence(':memory:'),
    testAsync: true,
  })
})

describe('SqlitePersistence on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iotcc-persist-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('restores retained messages, subscriptions, queued packets and wills after a reopen', async () => {
    const file = join(dir, 'broker.db')
    const broker = { id: 'b1', counter: 0 }
    const first = new SqlitePersistence(file)
    await first.setup(broker)
    const client = { id: 'app' }
    await first.storeRetained({
      topic: 'iot/a/status',
      payload: Buffer.from('online'),
      qos: 1,
      retain: true,
    })
    await first.addSubscriptions(client, [{ topic: '#', qos: 1 }])
    const packet = {
      cmd: 'publish',
      topic: 'iot/a/telemetry',
      payload: Buffer.from('{"t":1}'),
      qos: 1,
      brokerId: 'b1',
      brokerCounter: 7,
    }
    await first.outgoingEnqueueCombi([{ clientId: 'app' }], packet)
    await first.putWill(
      { id: 'dev' },
      { topic: 'iot/dev/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    )
    await first.destroy()

    const second = new SqlitePersistence(file)
    await second.setup({ id: 'b2' })
    expect(second.retainedCount).toBe(1)
    expect(await second.subscriptionsByClient(client)).toMatchObject([{ topic: '#', qos: 1 }])
    expect((await second.subscriptionsByTopic('iot/a/telemetry')).map((s) => s.clientId)).toEqual([
      'app',
    ])
    const queued = await second.outgoingStream(client).toArray()
    expect(queued).toHaveLength(1)
    expect(Buffer.from(queued[0].payload).toString()).toBe('{"t":1}')
    const wills = await second.streamWill({ b2: Date.now() }).toArray()
    expect(wills.map((w) => w.clientId)).toEqual(['dev'])
    await second.destroy()
  })
})
