/**
 * burst: 200,000 telemetry messages from 100 devices as fast as TCP takes them; the time until
 * every one is stored gives msg/s, against Mosquitto + `mosquitto_sub` draining the same.
 */
import { join } from 'node:path'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { LoadProcess } from './lib/load-process'
import { fleetIds } from './lib/load-generator'
import { MB } from './lib/proc-stats'
import { line } from './lib/stats'
import {
  startAppTarget,
  startMosquittoTarget,
  waitForCount,
  type AppTarget,
  type Target,
} from './lib/targets'

const DEVICES = 100
const ID_PREFIX = 'burst-'

interface Run {
  msgPerS: number
  complete: boolean
  stored: number
  lost: number
  rssPeakMb: number
  rssBeforeMb: number
  drainWaits: number
  sendMs: number
  failure: string | null
  countedVia?: string
  /** The database's own count after the run (app only), a cross-check of ingest.stats. */
  inDatabase?: number
}

async function runOnce(target: Target, messages: number): Promise<Run> {
  const load = await LoadProcess.start()
  try {
    await load.connect({
      host: target.host,
      port: target.port,
      count: DEVICES,
      idPrefix: ID_PREFIX,
    })
    const before = await target.count()
    target.sampler.resetPeak()
    const rssBeforeMb = (target.sampler.last?.rssBytes ?? 0) / MB
    const t0 = performance.now()
    const sent = await load.burst(messages)
    const done = await waitForCount(target, before + sent.sent, { stallMs: 60_000 })
    const stored = done.count - before
    const run: Run = {
      // Until the last message was stored (or, if some never were, until the last one that was).
      msgPerS: stored / ((done.at - t0) / 1000),
      complete: done.complete,
      stored,
      lost: sent.sent - stored,
      rssPeakMb: target.sampler.peakRssBytes / MB,
      rssBeforeMb,
      drainWaits: sent.drainWaits,
      sendMs: sent.endedAt - sent.startedAt,
      failure: target.failure(),
    }
    if (target.name === 'app' && !run.failure) {
      const app = target as AppTarget
      run.countedVia = app.lastCount?.via
      run.inDatabase = await app.probe.countInDatabase(fleetIds(ID_PREFIX, DEVICES))
    }
    return run
  } finally {
    await load.stop()
  }
}

const bench: BenchDefinition = {
  name: 'burst',
  description:
    'Telemetry from 100 devices published as fast as TCP allows; msg/s until every reading is stored, RSS peak and lost count, vs Mosquitto + mosquitto_sub draining the same.',
  async run(options: BenchOptions): Promise<BenchLine[]> {
    const messages = options.quick ? 20_000 : 200_000
    const app: Run[] = []
    const mosquitto: Run[] = []
    for (let rep = 1; rep <= options.repetitions; rep++) {
      const dir = join(options.workDir, `rep-${rep}`)
      const ids = fleetIds(ID_PREFIX, DEVICES)
      const appTarget = await startAppTarget(join(dir, 'app'), () => ids, options.appDir)
      try {
        const run = await runOnce(appTarget, messages)
        app.push(run)
        options.log(
          `rep ${rep} app: ${run.stored}/${messages} stored, ${Math.round(run.msgPerS)} msg/s, RSS peak ${Math.round(run.rssPeakMb)} MB${run.failure ? `, ${run.failure}` : ''}`,
        )
      } finally {
        await appTarget.stop()
      }
      const baseline = await startMosquittoTarget(dir)
      try {
        const run = await runOnce(baseline, messages)
        mosquitto.push(run)
        options.log(
          `rep ${rep} mosquitto: ${run.stored}/${messages}, ${Math.round(run.msgPerS)} msg/s`,
        )
      } finally {
        await baseline.stop()
      }
    }
    const extra = {
      messages,
      devices: DEVICES,
      qos: 0,
      app,
      mosquitto,
      target: '≥ 50,000 msg/s, RSS peak < 250 MB, 0 lost',
    }
    return [
      line(
        'burst.throughput',
        'msg/s',
        app.map((r) => r.msgPerS),
        {
          name: 'mosquitto+sub',
          values: mosquitto.map((r) => r.msgPerS),
        },
        extra,
      ),
      line(
        'burst.rss-peak',
        'MB',
        app.map((r) => r.rssPeakMb),
        {
          name: 'mosquitto',
          values: mosquitto.map((r) => r.rssPeakMb),
        },
      ),
      // The worst repetition: one lost message anywhere is the news.
      {
        ...line(
          'burst.lost',
          'messages',
          app.map((r) => r.lost),
        ),
        value: Math.max(...app.map((r) => r.lost)),
      },
    ]
  },
}

export default bench
