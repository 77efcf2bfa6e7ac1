import { describe, expect, it } from 'vitest'
import { baseConfig, FirmwareSim, TOPICS } from './harness'

async function connected(over: Record<string, unknown> = {}) {
  const fw = await FirmwareSim.start({ config: baseConfig(over) })
  fw.startApp()
  fw.runUntil('sim.app.link.connected and len(dht.measures) >= 1', 30_000)
  fw.runFor(1000)
  return fw
}

describe('sensor failures', () => {
  it('retries a failed read after the DHT22 minimum interval, then reports sensor_error once', async () => {
    const fw = await connected()
    const before = fw.eval<number[]>('dht.measures').length
    fw.exec('dht.fail(3)')
    fw.runFor(30_000)
    const reads = fw.eval<number[]>('dht.measures').slice(before)
    // One cycle = 3 attempts, 2 s apart (DHT22 minimum), then the next regular read succeeds.
    expect(reads.slice(1, 3).map((r, i) => r - (reads[i] ?? 0))).toEqual([2000, 2000])
    const errors = fw.events().filter((e) => e.event === 'sensor_error')
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({
      attempts: 3,
      failed_cycles: 1,
      error: expect.stringContaining('110'),
    })
    expect(fw.events().filter((e) => e.event === 'sensor_ok')).toHaveLength(1)
    expect(fw.eval<number>('dht.violations')).toBe(0)
  })

  it('does not report a glitch that the retry fixes', async () => {
    const fw = await connected()
    fw.exec('dht.fail(2)')
    fw.runFor(30_000)
    expect(fw.events().filter((e) => String(e.event).startsWith('sensor'))).toEqual([])
  })

  it('survives a sensor that stays dead: rate-limited events, loop and link keep running', async () => {
    const fw = await connected({ report: { interval_s: 10, max_silence_s: 3600 } })
    fw.exec('dht.fail(10**6, "checksum error")')
    fw.runFor(340_000)
    const errors = fw.events().filter((e) => e.event === 'sensor_error')
    // First failure at once, then at most one per 5 minutes (a failed cycle ends every 14 s).
    expect(errors.map((e) => e.failed_cycles)).toEqual([1, 23])
    expect((errors[1]?.ts as number) - (errors[0]?.ts as number)).toBeGreaterThanOrEqual(300)
    expect(errors[0]?.error).toContain('checksum error')
    expect(fw.eval<boolean>('sim.app.link.connected')).toBe(true)
    expect(fw.eval<number>('sim.app.sched.worst_fails()')).toBe(0)
    expect(fw.eval<number>('machine.wdt["feeds"]')).toBeGreaterThan(300)
    expect(fw.eval<number>('dht.violations')).toBe(0)
    // Back to life: one sensor_ok, telemetry resumes.
    fw.exec('dht.fail(0); dht.set(25.0, 50.0)')
    fw.runFor(20_000)
    expect(fw.events().at(-1)).toMatchObject({
      event: 'sensor_ok',
      failed_cycles: expect.any(Number),
    })
    expect(JSON.parse(fw.publishes(TOPICS.telemetry).at(-1)?.msg ?? '{}')).toMatchObject({
      temperature: 25,
    })
  })

  it('treats out-of-range values as a failed read, not as telemetry', async () => {
    const fw = await connected()
    const sent = fw.publishes(TOPICS.telemetry).length
    fw.exec('dht.set(-99.0, 40.0)')
    fw.runFor(15_000)
    expect(fw.publishes(TOPICS.telemetry)).toHaveLength(sent)
    expect(fw.events().find((e) => e.event === 'sensor_error')?.error).toContain('implausible')
  })

  it('never reads a DHT11 faster than once a second, even at interval_s 1', async () => {
    const fw = await connected({ sensor: { type: 'DHT11', pin: 15 }, report: { interval_s: 1 } })
    fw.exec('dht.fail(5)')
    fw.runFor(30_000)
    const reads = fw.eval<number[]>('dht.measures')
    expect(reads.length).toBeGreaterThanOrEqual(25)
    expect(fw.eval<number>('dht.violations')).toBe(0)
    expect(fw.eval<number>('sim.app.sensor.dev.pin.id')).toBe(15)
  })
})
