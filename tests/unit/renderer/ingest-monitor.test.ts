import { describe, expect, it, vi } from 'vitest'
import { IngestStats } from '../../../src/shared/contract/ingest'
import { IngestMonitor } from '../../../src/renderer/src/store/ingest-monitor'
import { FakeApi } from './fake-api'

function stats(patch: Partial<IngestStats> = {}): IngestStats {
  return IngestStats.parse({
    since: 0,
    messages: 10,
    parsed: 10,
    ignored: 0,
    unparsed: 0,
    unparsedByReason: {},
    readings: 20,
    duplicates: 0,
    retainedNotStored: 0,
    outOfRange: 0,
    deviceTimeIgnored: 0,
    lastMessageAt: null,
    shed: { uiReadings: 0 },
    backlog: { queued: 0, highWater: 20_000, paused: false, pauses: 0 },
    lagMs: 0,
    readingsPerS: 2,
    ...patch,
  })
}

describe('IngestMonitor', () => {
  it('reads the figures at start, then follows the event', async () => {
    const api = new FakeApi({ 'ingest.stats': () => stats() })
    const monitor = new IngestMonitor(api.client)
    monitor.start()
    await vi.waitFor(() => expect(monitor.get().stats?.readingsPerS).toBe(2))
    const changed = vi.fn()
    monitor.subscribe(changed)
    api.emit('ingest.stats', stats({ lagMs: 12_000 }))
    expect(changed).toHaveBeenCalledTimes(1)
    expect(monitor.get().late).toEqual({ lagMs: 12_000, paused: false })
    api.emit('ingest.stats', stats({ lagMs: 100 }))
    expect(monitor.get().late).toBeNull()
  })

  it('shows nothing rather than figures the server did not send', () => {
    const api = new FakeApi()
    const monitor = new IngestMonitor(api.client)
    monitor.start()
    api.emit('ingest.stats', { messages: 10, parsed: 10 })
    expect(monitor.get()).toMatchObject({ stats: null, late: null })
  })
})
