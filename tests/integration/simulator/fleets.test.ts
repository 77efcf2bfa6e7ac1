import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import { connectAsync, type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { Simulator } from '../../../src/main/core/simulator/simulator'

let broker: Aedes
let server: Server
let url: string
let watcher: MqttClient

beforeAll(async () => {
  broker = await Aedes.createBroker()
  server = createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`
  watcher = await connectAsync(url, { clientId: 'watcher' })
  await watcher.subscribeAsync('iot/+/telemetry')
})
afterAll(async () => {
  await watcher.endAsync()
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  server.close()
})

const fleet = () =>
  new Simulator({
    target: () => ({ url }),
    prefix: () => 'iot',
    clock: systemClock,
    logger: silentLogger,
  })

describe('simulator fleets', () => {
  it('runs two fleets side by side on one broker when their id prefixes differ', async () => {
    const seen = new Map<string, number>()
    const onMessage = (topic: string) => {
      const id = topic.split('/')[1]!
      seen.set(id, (seen.get(id) ?? 0) + 1)
    }
    watcher.on('message', onMessage)
    const a = fleet()
    const b = fleet()
    const progress: number[] = []
    await a.start(60, 2, { idPrefix: 'lab-a-', onConnected: (n) => progress.push(n) })
    await b.start(60, 2, { idPrefix: 'lab-b-' })
    try {
      expect(progress).toHaveLength(60)
      expect(progress.at(-1)).toBe(60)
      const deadline = Date.now() + 10_000
      while (seen.size < 120 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(seen.size).toBe(120)
      expect(seen.has('lab-a-001') && seen.has('lab-b-060')).toBe(true)
      // Same client ids would make the broker drop one of each pair: every device is still up.
      expect([a.connectedCount(), b.connectedCount()]).toEqual([60, 60])
    } finally {
      watcher.off('message', onMessage)
      await Promise.all([a.stop(), b.stop()])
    }
    expect(a.connectedCount()).toBe(0)
  })

  it('spreads first reports over the period instead of publishing in lockstep', async () => {
    const arrivals: number[] = []
    const onMessage = () => arrivals.push(performance.now())
    const sim = fleet()
    await sim.start(100, 1, { idPrefix: 'spread-' })
    const t0 = performance.now()
    watcher.on('message', onMessage)
    try {
      await new Promise((r) => setTimeout(r, 1200))
    } finally {
      watcher.off('message', onMessage)
      await sim.stop()
    }
    // One second at 1 Hz: about one report per device, across the whole second, not in a clump.
    const inFirstHalf = arrivals.filter((t) => t - t0 < 500).length
    expect(arrivals.length).toBeGreaterThan(60)
    expect(inFirstHalf).toBeGreaterThan(15)
    expect(inFirstHalf).toBeLessThan(arrivals.length - 15)
  })
})
