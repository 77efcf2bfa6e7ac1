import { describe, expect, it } from 'vitest'
import { baseConfig, FirmwareSim, TOPICS } from './harness'

interface Telemetry {
  temperature: number
  humidity: number
  ts?: number
  seq: number
}

const TRUE_EPOCH = 1732700000

function telemetry(fw: FirmwareSim): Telemetry[] {
  return fw.publishes(TOPICS.telemetry).map((p) => JSON.parse(p.msg) as Telemetry)
}

async function online(over: Record<string, unknown> = {}) {
  const fw = await FirmwareSim.start({
    config: baseConfig({ report: { interval_s: 10, delta_t: 0.5, min_interval_s: 0 }, ...over }),
  })
  fw.startApp()
  fw.runUntil('sim.app.link.connected and sim.app.clock.synced and sim.app.seq >= 1', 30_000)
  return fw
}

/** Takes n readings, one per 10 s interval, each 1 degC warmer; returns their read times. */
function warmUp(fw: FirmwareSim, n: number, from: number): number[] {
  const before = fw.eval<number[]>('dht.measures').length
  for (let i = 0; i < n; i++) {
    fw.exec(`dht.set(${from + i}.0, 40.0)`)
    fw.runUntil(`len(dht.measures) > ${before + i}`, 20_000)
  }
  return fw.eval<number[]>('dht.measures').slice(before)
}

describe('offline buffer', () => {
  it('keeps readings taken while Wi-Fi is down and replays them in order with their timestamps', async () => {
    const fw = await online()
    const sentBefore = telemetry(fw).length
    const lastSeq = telemetry(fw).at(-1)?.seq ?? 0
    fw.exec('network.drop()')
    const reads = warmUp(fw, 6, 30)
    expect(telemetry(fw)).toHaveLength(sentBefore) // nothing went out meanwhile
    expect(fw.eval<number>('len(sim.app.spool)')).toBe(6)
    // Wi-Fi retried with backoff, not in a busy loop.
    const attempts = fw.eval<unknown[]>('[c for c in network.calls if c[0] == "connect"]').length
    expect(attempts).toBeGreaterThanOrEqual(3)
    expect(attempts).toBeLessThanOrEqual(8)

    fw.exec('network.restore()')
    fw.runUntil('sim.app.link.connected and len(sim.app.spool) == 0', 180_000)
    const replayed = telemetry(fw).slice(sentBefore, sentBefore + 6)
    expect(replayed.map((t) => t.temperature)).toEqual([30, 31, 32, 33, 34, 35])
    expect(replayed.map((t) => t.ts)).toEqual(reads.map((ms) => TRUE_EPOCH + Math.floor(ms / 1000)))
    expect(replayed.map((t) => t.seq)).toEqual([1, 2, 3, 4, 5, 6].map((i) => lastSeq + i))
    expect(
      fw
        .events()
        .filter((e) => e.event === 'buffer_flushed')
        .at(-1),
    ).toMatchObject({ count: 6, dropped: 0 })
    // A new session: Will set again, birth again.
    expect(fw.connects()).toHaveLength(2)
    expect(fw.connects()[1]?.will).toMatchObject({ topic: TOPICS.status, msg: 'offline' })
    expect(fw.publishes(TOPICS.status).map((p) => p.msg)).toEqual(['online', 'online'])
  })

  it('goes on publishing live after the replay, still in order', async () => {
    const fw = await online()
    fw.exec('network.drop()')
    warmUp(fw, 3, 30)
    fw.exec('network.restore()')
    fw.runUntil('sim.app.link.connected and len(sim.app.spool) == 0', 180_000)
    warmUp(fw, 2, 40)
    const temps = telemetry(fw).map((t) => t.temperature)
    expect(temps.slice(-5)).toEqual([30, 31, 32, 40, 41])
    const ts = telemetry(fw).map((t) => t.ts ?? 0)
    expect([...ts].sort((a, b) => a - b)).toEqual(ts)
  })

  it('bounds RAM and flash: spills to a file, drops the oldest first and counts them', async () => {
    const fw = await online({ buffer: { ram: 4, file: 6 } })
    const sentBefore = telemetry(fw).length
    fw.exec('network.drop()')
    warmUp(fw, 16, 50)
    expect(fw.eval<number>('len(sim.app.spool.ram)')).toBeLessThanOrEqual(4)
    expect(fw.eval<number>('sim.app.spool.file_n')).toBeLessThanOrEqual(6)
    expect(fw.readFile('/spool.jsonl')).not.toBeNull()
    fw.exec('network.restore()')
    fw.runUntil('sim.app.link.connected and len(sim.app.spool) == 0', 180_000)
    const replayed = telemetry(fw)
      .slice(sentBefore)
      .map((t) => t.temperature)
    const flushed = fw
      .events()
      .filter((e) => e.event === 'buffer_flushed')
      .at(-1)
    expect(flushed).toBeDefined()
    const count = flushed?.count as number
    const dropped = flushed?.dropped as number
    expect(count + dropped).toBe(16)
    expect(dropped).toBeGreaterThan(0)
    // What survived is the newest part, in order, ending with the last reading.
    expect(replayed).toEqual(Array.from({ length: count }, (_, i) => 66 - count + i))
    expect(fw.readFile('/spool.jsonl')).toBeNull()
  })

  it('keeps buffered readings across a reboot and replays them with their original time', async () => {
    const fw = await online({ buffer: { ram: 8, file: 100 } })
    fw.exec('network.drop()')
    const reads = warmUp(fw, 3, 60)
    fw.exec('sim.app.shutdown()') // what the reboot command and the crash handler do
    expect(fw.readFile('/spool.jsonl')?.trim().split('\n')).toHaveLength(3)
    fw.exec('network.restore()')
    fw.startApp() // the next boot
    fw.runUntil('sim.app.link.connected and len(sim.app.spool) == 0', 60_000)
    // The replay comes first; the new boot's own first reading (still 62) follows it.
    const after = telemetry(fw)
      .filter((t) => t.temperature >= 60)
      .slice(0, 3)
    expect(after.map((t) => t.temperature)).toEqual([60, 61, 62])
    expect(after.map((t) => t.ts)).toEqual(reads.map((ms) => TRUE_EPOCH + Math.floor(ms / 1000)))
  })

  it('dates readings taken before the clock was ever set, once NTP answers', async () => {
    const fw = await FirmwareSim.start({
      config: baseConfig({ report: { interval_s: 10, min_interval_s: 0 } }),
    })
    fw.exec('network.drop()')
    fw.startApp()
    const reads = warmUp(fw, 3, 20)
    expect(fw.eval<unknown[]>('[r[0] for r in sim.app.spool.ram]')).toEqual([null, null, null])
    fw.exec('network.restore()')
    fw.runUntil('sim.app.link.connected and len(sim.app.spool) == 0', 180_000)
    const ts = telemetry(fw)
      .slice(0, 3)
      .map((t) => t.ts ?? 0)
    reads.forEach((ms, i) => {
      expect(Math.abs((ts[i] ?? 0) - (TRUE_EPOCH + ms / 1000))).toBeLessThanOrEqual(1)
    })
  })
})
