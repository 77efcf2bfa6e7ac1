import { describe, expect, it } from 'vitest'
import { baseConfig, FirmwareSim } from './harness'

/**
 * "Runs in < 60 KB heap". The wasm build frees garbage only between runPython calls, so:
 * live heap = what stays allocated after a full collection, measured between calls;
 * churn = what one second of the loop allocates (no collection can happen inside one call).
 * On the board the gc task collects every second, so live + churn bounds the peak.
 */
const BUDGET = 60 * 1024
const CLEAR_FAKE_LOGS =
  'umqtt.simple.log.clear(); dht.measures.clear(); machine.writes.clear(); network.calls.clear(); ntptime.calls.clear()'

describe('memory', () => {
  it('stays below 60 KB of heap: online, buffering offline, and replaying', async () => {
    const fw = await FirmwareSim.start({
      config: baseConfig({
        ha_discovery: true,
        legacy_topic: 'home/sensors/temp_hum',
        report: { interval_s: 2, delta_t: 0.5, min_interval_s: 0 },
      }),
    })
    fw.exec('gc.collect()')
    const base = fw.eval<number>('gc.mem_alloc()') // interpreter + fakes, before any firmware
    fw.startApp()
    const live = (): number => {
      fw.exec(CLEAR_FAKE_LOGS)
      fw.exec('gc.collect()')
      return fw.eval<number>('gc.mem_alloc()') - base
    }
    const churn = (): number =>
      fw.eval<number>(
        '(lambda a: (sim.run_to(fake_time.elapsed() + 1000), gc.mem_alloc() - a)[1])(gc.mem_alloc())',
      )
    const samples: Array<{ phase: string; live: number; churn: number }> = []
    const sample = (phase: string, seconds: number): void => {
      for (let i = 0; i < seconds; i++) {
        fw.exec(`dht.set(${20 + (i % 10)}, ${40 + (i % 7)})`) // every reading crosses a threshold
        samples.push({ phase, churn: churn(), live: live() })
      }
    }
    fw.runUntil('sim.app.link.connected', 30_000)
    sample('online', 30)
    fw.exec('network.drop()')
    sample('offline', 90) // 45 readings: the RAM ring (32) spills to flash
    expect(fw.eval<number>('sim.app.spool.file_n')).toBeGreaterThan(0)
    fw.exec('network.restore()')
    fw.runUntil('sim.app.link.connected', 180_000)
    sample('replay', 20)
    expect(fw.eval<number>('len(sim.app.spool)')).toBe(0)

    const worst = Math.max(...samples.map((s) => s.live + s.churn))
    const maxLive = Math.max(...samples.map((s) => s.live))
    console.log(
      `firmware heap: live <= ${maxLive} B, live + 1 s of churn <= ${worst} B (budget ${BUDGET} B)`,
    )
    expect(worst).toBeLessThan(BUDGET)
    // No unbounded growth: the heap after replay is back near where it was online.
    const onlineLive = Math.max(...samples.filter((s) => s.phase === 'online').map((s) => s.live))
    const replayLive = samples.filter((s) => s.phase === 'replay').at(-1)?.live ?? Infinity
    expect(replayLive).toBeLessThan(onlineLive + 2048)
  })
})
