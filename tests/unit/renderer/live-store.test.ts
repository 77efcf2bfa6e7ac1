import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LIST_COALESCE_MS, LiveStore } from '../../../src/renderer/src/store/live-store'
import { FakeApi } from './fake-api'
import { device } from './fixtures'

const N = 5000

async function started(count: number) {
  const devices = Array.from({ length: count }, (_, i) => device(`d${i}`))
  const api = new FakeApi({
    'devices.list': () => devices,
    'readings.query': () => ({ series: [], bucketMs: 60_000 }),
  })
  const store = new LiveStore(api.client)
  store.start()
  await vi.waitFor(() => expect(store.getList().loaded).toBe(true))
  const listChanges = vi.fn()
  store.subscribeList(listChanges)
  return { api, store, listChanges }
}

describe('LiveStore with 5,000 devices', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('a readings batch notifies only the devices in it, once each', async () => {
    const { api, store, listChanges } = await started(N)
    const d1 = vi.fn()
    const d2 = vi.fn()
    store.subscribeDevice('d1', d1)
    store.subscribeDevice('d2', d2)
    const before = store.getEntry('d1')
    api.emit('readings.batch', [
      { deviceId: 'd1', metric: 'temperature', ts: Date.now(), value: 21 },
      { deviceId: 'd1', metric: 'humidity', ts: Date.now(), value: 40 },
      { deviceId: 'd1', metric: 'temperature', ts: Date.now() + 1, value: 22 },
    ])
    expect(d1).toHaveBeenCalledTimes(1)
    expect(d2).not.toHaveBeenCalled()
    expect(store.getEntry('d1')?.spark.temperature).toEqual([
      expect.objectContaining({ v: 21.5, n: 2 }),
    ])
    // The snapshot React holds is never mutated.
    expect(before?.spark.temperature).toEqual([])
    vi.advanceTimersByTime(LIST_COALESCE_MS)
    expect(listChanges).not.toHaveBeenCalled()
  })

  it('new values of known devices never rebuild the list', async () => {
    const { api, store, listChanges } = await started(N)
    for (let i = 0; i < N; i++)
      api.emit('device.updated', device(`d${i}`, { latest: { temperature: { value: i, ts: 1 } } }))
    vi.advanceTimersByTime(LIST_COALESCE_MS)
    expect(listChanges).not.toHaveBeenCalled()
    expect(store.getEntry('d42')?.device.latest.temperature?.value).toBe(42)
  })

  it('5,000 devices coming online rebuild the list once, not 5,000 times', async () => {
    const { api, store, listChanges } = await started(0)
    for (let i = 0; i < N; i++) api.emit('device.updated', device(`d${i}`))
    expect(listChanges).not.toHaveBeenCalled()
    vi.advanceTimersByTime(LIST_COALESCE_MS)
    expect(listChanges).toHaveBeenCalledTimes(1)
    expect(store.getList().devices).toHaveLength(N)
  })
})
