/**
 * soak: 1,000,000 telemetry messages at 15,000 msg/s from 100 devices; the app's RSS after
 * the first 100,000 (warm: the first tenth) and at the end, and the growth in between, vs Mosquitto's under
 * the same load (measured once: it barely moves).
 */
import { join } from 'node:path'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { LoadProcess } from './lib/load-process'
import { fleetIds } from './lib/load-generator'
import { MB } from './lib/proc-stats'
import { line } from './lib/stats'
import { startAppTarget, startMosquittoTarget, waitForCount, type Target } from './lib/targets'

const DEVICES = 100
const ID_PREFIX = 'soak-'
const RATE = 15_000

interface Run {
  warmMb: number
  endMb: number
  growthMb: number
  peakMb: number
  sent: number
  lost: number
  /** Seconds after the last message until everything was stored. */
  drainS: number | null
  failure: string | null
}

async function soak(target: Target, messages: number, log: (m: string) => void): Promise<Run> {
  const warmAt = messages / 10
  const load = await LoadProcess.start()
  try {
    await load.connect({
      host: target.host,
      port: target.port,
      count: DEVICES,
      idPrefix: ID_PREFIX,
    })
    const before = await target.count()
    let warmMb = NaN
    // The load is paced, so "after 100k messages" is a moment: sample RSS then.
    const warmTimer = setTimeout(
      () => (warmMb = (target.sampler.last?.rssBytes ?? NaN) / MB),
      (warmAt / RATE) * 1000,
    )
    const progress = setInterval(
      () =>
        log(
          `${target.name}: ${load.progress.sent} sent, RSS ${Math.round((target.sampler.last?.rssBytes ?? 0) / MB)} MB`,
        ),
      10_000,
    )
    let sent
    try {
      sent = await load.paced({ rate: RATE, messages })
    } finally {
      clearTimeout(warmTimer)
      clearInterval(progress)
    }
    const lastSent = performance.now()
    const done = await waitForCount(target, before + sent.sent, { stallMs: 60_000 })
    const endMb = (target.sampler.last?.rssBytes ?? NaN) / MB
    return {
      warmMb,
      endMb,
      growthMb: endMb - warmMb,
      peakMb: target.sampler.peakRssBytes / MB,
      sent: sent.sent,
      lost: sent.sent - (done.count - before),
      drainS: done.complete ? Math.round(done.at - lastSent) / 1000 : null,
      failure: target.failure(),
    }
  } finally {
    await load.stop()
  }
}

const bench: BenchDefinition = {
  name: 'soak',
  description:
    '1M telemetry messages at 15k msg/s from 100 devices: RSS after 100k (warm) and at the end, growth in between, vs Mosquitto under the same load.',
  async run(options: BenchOptions): Promise<BenchLine[]> {
    const messages = options.quick ? 100_000 : 1_000_000
    const app: Run[] = []
    for (let rep = 1; rep <= options.repetitions; rep++) {
      const ids = fleetIds(ID_PREFIX, DEVICES)
      const target = await startAppTarget(
        join(options.workDir, `rep-${rep}`),
        () => ids,
        options.appDir,
      )
      try {
        const run = await soak(target, messages, options.log)
        app.push(run)
        options.log(
          `rep ${rep} app: RSS ${Math.round(run.warmMb)} → ${Math.round(run.endMb)} MB (peak ${Math.round(run.peakMb)}), lost ${run.lost}${run.failure ? `; ${run.failure}` : ''}`,
        )
      } finally {
        await target.stop()
      }
    }
    const baseline = await startMosquittoTarget(options.workDir)
    let mosquitto: Run
    try {
      mosquitto = await soak(baseline, messages, options.log)
      options.log(
        `mosquitto: RSS ${mosquitto.warmMb.toFixed(1)} → ${mosquitto.endMb.toFixed(1)} MB`,
      )
    } finally {
      await baseline.stop()
    }
    const extra = {
      messages,
      rate: RATE,
      devices: DEVICES,
      app,
      mosquitto,
      target: 'RSS growth after warm-up < 30 MB',
    }
    return [
      line(
        'soak.rss-warm',
        'MB',
        app.map((r) => r.warmMb),
        {
          name: 'mosquitto',
          values: [mosquitto.warmMb],
        },
      ),
      line(
        'soak.rss-end',
        'MB',
        app.map((r) => r.endMb),
        { name: 'mosquitto', values: [mosquitto.endMb] },
      ),
      line(
        'soak.rss-growth',
        'MB',
        app.map((r) => r.growthMb),
        { name: 'mosquitto', values: [mosquitto.growthMb] },
        extra,
      ),
      {
        ...line(
          'soak.lost',
          'messages',
          app.map((r) => r.lost),
        ),
        value: Math.max(...app.map((r) => r.lost)),
      },
    ]
  },
}

export default bench
