/**
 * many-devices: 10,000 boards (each its own MQTT connection, subscribed to its `cmd` topic
 * and announced `online`, like the firmware) publishing at 1 Hz for ~30 s, with one WebSocket
 * reading the app's events as an open UI tab does (per-device events are where a fleet's
 * size shows). How late the stored data is — now − device `ts` of the newest stored reading,
 * read back through `readings.latest`, beside ingest.stats `lagMs` — the app's RSS and CPU,
 * and its CPU in the 10 s after every board disconnected (it should be idle).
 */
import { join } from 'node:path'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { sleep } from './lib/child'
import { LoadProcess } from './lib/load-process'
import { fleetIds } from './lib/load-generator'
import { cpuMsOf, MB } from './lib/proc-stats'
import { watchEvents } from './lib/rpc-client'
import { line } from './lib/stats'
import { startAppTarget, type AppTarget } from './lib/targets'

const ID_PREFIX = 'many-'
const HZ = 1

interface Run {
  devices: number
  connectS: number
  /** now − newest stored device ts over all devices, at the end of the run (ms). */
  lagEndMs: number
  /** Median over devices of each one's newest reading age, at the end (ms; ~500 when keeping up at 1 Hz). */
  medianAgeEndMs: number
  /** Largest lag seen while running, by the same measure. */
  lagMaxMs: number
  /** ingest.stats lagMs at the end (the app's own view: arrival − device time), when it reports it. */
  statsLagMs: number | null
  /** Messages stored ÷ sent over the run, when ingest.stats counts them. */
  storedRatio: number | null
  rssEndMb: number
  rssPeakMb: number
  /** CPU while publishing, % of one core. */
  cpuBusyPct: number
  /** CPU in the window after every device disconnected, % of one core. */
  cpuAfterPct: number
  /** Telemetry handed to TCP, and turns skipped because the app held that device's socket back. */
  sent: number
  skipped: number
  /** What the UI's WebSocket received while publishing (frames and MB per second). */
  eventFramesPerS: number
  eventMbPerS: number
  lagSamples: Array<{ t: number; newestMs: number; medianMs: number; statsLagMs: number | null }>
  failure: string | null
}

async function run(
  target: AppTarget,
  devices: number,
  runMs: number,
  idleMs: number,
  log: (m: string) => void,
): Promise<Run> {
  const load = await LoadProcess.start()
  const ids = new Set(fleetIds(ID_PREFIX, devices))
  const events = await watchEvents(target.app.rpcUrl)
  try {
    const connected = await load.connect({
      host: target.host,
      port: target.port,
      count: devices,
      idPrefix: ID_PREFIX,
      subscribe: true,
      announce: true,
      concurrency: 50,
    })
    log(`${devices} devices connected in ${(connected.ms / 1000).toFixed(1)} s`)
    const stats0 = await target.probe.stats()
    const cpu0 = cpuMsOf(target.cpuPids)
    const t0 = performance.now()
    const publishing = load.paced({ rate: devices * HZ, durationMs: runMs })
    const lagSamples: Run['lagSamples'] = []
    const sampleLag = async (): Promise<void> => {
      const age = await target.probe.newestAge(ids)
      const stats = await target.probe.stats()
      lagSamples.push({
        t: Math.round(performance.now() - t0),
        newestMs: age.newestMs,
        medianMs: age.medianMs,
        statsLagMs: stats?.lagMs ?? null,
      })
    }
    // Sample lag every few seconds while publishing, the last one just before it ends (after
    // the load stops, "now − newest ts" would grow by itself).
    const every = Math.min(3000, runMs / 4)
    const sampling = (async () => {
      await sleep(every)
      while (!target.failure() && performance.now() - t0 + every < runMs - 500) {
        await sampleLag().catch(() => undefined)
        await sleep(every)
      }
      await sleep(Math.max(0, runMs - 500 - (performance.now() - t0)))
      if (!target.failure()) await sampleLag().catch(() => undefined)
    })()
    const sent = await publishing
    const cpu1 = cpuMsOf(target.cpuPids)
    const busyS = (performance.now() - t0) / 1000
    const eventFramesPerS = events.frames / busyS
    const eventMbPerS = events.bytes / busyS / MB
    await sampling
    const end = lagSamples.at(-1)
    const stats1 = await target.probe.stats()
    const rssEndMb = (target.sampler.last?.rssBytes ?? NaN) / MB
    await load.disconnect()
    const cpu2 = cpuMsOf(target.cpuPids)
    await sleep(idleMs)
    const cpu3 = cpuMsOf(target.cpuPids)
    return {
      devices,
      connectS: connected.ms / 1000,
      lagEndMs: end?.newestMs ?? NaN,
      medianAgeEndMs: end?.medianMs ?? NaN,
      lagMaxMs: lagSamples.length ? Math.max(...lagSamples.map((s) => s.newestMs)) : NaN,
      statsLagMs: end?.statsLagMs ?? null,
      storedRatio:
        stats0 && stats1 ? (stats1.readings - stats0.readings) / 2 / Math.max(sent.sent, 1) : null,
      rssEndMb,
      rssPeakMb: target.sampler.peakRssBytes / MB,
      cpuBusyPct: (cpu1 - cpu0) / 10 / busyS,
      cpuAfterPct: (cpu3 - cpu2) / 10 / (idleMs / 1000),
      sent: sent.sent,
      skipped: sent.skipped,
      eventFramesPerS,
      eventMbPerS,
      lagSamples,
      failure: target.failure(),
    }
  } finally {
    events.close()
    await load.stop()
  }
}

const bench: BenchDefinition = {
  name: 'many-devices',
  description:
    '10,000 devices, one connection each, at 1 Hz for 30 s with a UI’s event socket open: lag of the newest stored reading (device ts), RSS, CPU, and CPU in the 10 s after all disconnect.',
  async run(options: BenchOptions): Promise<BenchLine[]> {
    const devices = options.quick ? 500 : 10_000
    const runMs = options.quick ? 8000 : 30_000
    const idleMs = options.quick ? 3000 : 10_000
    const runs: Run[] = []
    for (let rep = 1; rep <= options.repetitions; rep++) {
      const ids = fleetIds(ID_PREFIX, devices)
      const target = await startAppTarget(
        join(options.workDir, `rep-${rep}`),
        () => ids,
        options.appDir,
      )
      try {
        const r = await run(target, devices, runMs, idleMs, options.log)
        runs.push(r)
        options.log(
          `rep ${rep}: lag ${Math.round(r.lagEndMs)} ms (max ${Math.round(r.lagMaxMs)}), RSS ${Math.round(r.rssEndMb)} MB, CPU ${Math.round(r.cpuBusyPct)} % then ${Math.round(r.cpuAfterPct)} % idle${r.failure ? `; ${r.failure}` : ''}`,
        )
      } finally {
        await target.stop()
      }
    }
    const extra = {
      devices,
      hz: HZ,
      seconds: runMs / 1000,
      runs,
      target: '< 1 s lag, RSS < 1 GB, CPU back to idle after disconnect',
    }
    return [
      line(
        'many-devices.lag',
        'ms',
        runs.map((r) => r.lagEndMs),
        undefined,
        extra,
      ),
      line(
        'many-devices.rss-peak',
        'MB',
        runs.map((r) => r.rssPeakMb),
      ),
      line(
        'many-devices.cpu-busy',
        '% core',
        runs.map((r) => r.cpuBusyPct),
      ),
      line(
        'many-devices.cpu-after-disconnect',
        '% core',
        runs.map((r) => r.cpuAfterPct),
      ),
      line(
        'many-devices.connect',
        's',
        runs.map((r) => r.connectS),
      ),
    ]
  },
}

export default bench
