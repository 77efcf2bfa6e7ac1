/**
 * ingest: the highest paced total rate (100 devices, round-robin) the app keeps up with for
 * ~10 s — at least 95 % of what was sent stored within the window and the backlog not
 * growing — and its CPU µs per message at 10k msg/s; the same steps against Mosquitto +
 * `mosquitto_sub`.
 */
import { join } from 'node:path'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { LoadProcess } from './lib/load-process'
import { fleetIds } from './lib/load-generator'
import { cpuMsOf } from './lib/proc-stats'
import { line } from './lib/stats'
import {
  startAppTarget,
  startMosquittoTarget,
  waitForCount,
  type AppTarget,
  type Target,
} from './lib/targets'

const DEVICES = 100
const ID_PREFIX = 'ingest-'
/** The rate CPU per message is measured at. */
const CPU_RATE = 10_000
const KEPT_UP = 0.95

interface Step {
  rate: number
  sent: number
  /** Paced turns the load generator skipped because the broker held the socket back. */
  skipped: number
  /** Stored (or printed) during the window, per second. */
  storedPerS: number
  storedRatio: number
  /** ingest.stats backlog.queued at mid-window and at the end (app, when it reports it). */
  backlog?: [number, number]
  backlogGrowing: boolean
  cpuUsPerMsg: number
  keptUp: boolean
  /** ms after the window until everything sent was through (null: gave up). */
  drainMs: number | null
}

interface Search {
  /** Highest step kept up with (0 if none). */
  sustained: number
  /** True when the highest step was kept up with too: the real limit is higher. */
  atTop: boolean
  cpuUsPerMsg: number
  steps: Step[]
  failure: string | null
}

async function backlogQueued(target: Target): Promise<number | undefined> {
  if (target.name !== 'app') return undefined
  const stats = await (target as AppTarget).probe.stats().catch(() => null)
  return stats?.backlog?.queued
}

async function search(target: Target, rates: number[], stepMs: number): Promise<Search> {
  const load = await LoadProcess.start()
  const steps: Step[] = []
  try {
    await load.connect({
      host: target.host,
      port: target.port,
      count: DEVICES,
      idPrefix: ID_PREFIX,
    })
    let total = await target.count()
    for (const rate of rates) {
      const before = await target.count()
      const cpu0 = cpuMsOf(target.cpuPids)
      const mid = new Promise<number | undefined>((resolve) =>
        setTimeout(() => void backlogQueued(target).then(resolve), stepMs / 2),
      )
      const sent = await load.paced({ rate, durationMs: stepMs })
      // An app stopped at the RSS limit (or crashed) cannot be counted: the search ends there.
      const after = await target.count().catch((error: unknown) => {
        if (target.failure()) return before
        throw error
      })
      const cpu1 = cpuMsOf(target.cpuPids)
      const end = await backlogQueued(target)
      const midQueued = await mid
      const stored = after - before
      // Growing: more than 5 % of the second half's messages piled up during it.
      const backlogGrowing =
        end !== undefined &&
        midQueued !== undefined &&
        end - midQueued > 0.05 * rate * (stepMs / 2000)
      const expected = (rate * stepMs) / 1000
      const step: Step = {
        rate,
        sent: sent.sent,
        skipped: sent.skipped,
        storedPerS: stored / (stepMs / 1000),
        storedRatio: stored / Math.max(sent.sent, 1),
        backlogGrowing,
        cpuUsPerMsg: ((cpu1 - cpu0) * 1000) / Math.max(sent.sent, 1),
        keptUp: stored >= KEPT_UP * expected && !backlogGrowing && !target.failure(),
        drainMs: null,
      }
      if (end !== undefined && midQueued !== undefined) step.backlog = [midQueued, end]
      total += sent.sent
      const drainStart = performance.now()
      const drained = await waitForCount(target, total, { stallMs: 5000, timeoutMs: 60_000 })
      if (drained.complete) step.drainMs = Math.round(drained.at - drainStart)
      steps.push(step)
      if (!step.keptUp || !drained.complete) break
    }
  } finally {
    await load.stop()
  }
  const kept = steps.filter((s) => s.keptUp)
  const atCpuRate = steps.find((s) => s.rate === CPU_RATE)
  return {
    sustained: kept.at(-1)?.rate ?? 0,
    atTop: kept.length === rates.length,
    cpuUsPerMsg: atCpuRate?.cpuUsPerMsg ?? NaN,
    steps,
    failure: target.failure(),
  }
}

function describe(s: Search): string {
  return s.steps
    .map(
      (st) =>
        `${st.rate / 1000}k→${Math.round(st.storedPerS / 100) / 10}k${st.keptUp ? '' : ' ✗'}${st.backlog ? ` (backlog ${st.backlog[0]}→${st.backlog[1]})` : ''}`,
    )
    .join(', ')
}

const bench: BenchDefinition = {
  name: 'ingest',
  description:
    'Paced telemetry from 100 devices in rising steps: the highest total rate stored in step (≥ 95 %, backlog not growing) and CPU µs per message at 10k msg/s, vs Mosquitto + mosquitto_sub at the same rates.',
  async run(options: BenchOptions): Promise<BenchLine[]> {
    const rates = options.quick ? [CPU_RATE] : [CPU_RATE, 25_000, 50_000, 75_000, 100_000, 150_000]
    const stepMs = options.quick ? 3000 : 10_000
    const app: Search[] = []
    const mosquitto: Search[] = []
    for (let rep = 1; rep <= options.repetitions; rep++) {
      const dir = join(options.workDir, `rep-${rep}`)
      const ids = fleetIds(ID_PREFIX, DEVICES)
      const appTarget = await startAppTarget(join(dir, 'app'), () => ids, options.appDir)
      try {
        const s = await search(appTarget, rates, stepMs)
        app.push(s)
        options.log(`rep ${rep} app: ${describe(s)}${s.failure ? `; ${s.failure}` : ''}`)
      } finally {
        await appTarget.stop()
      }
      const baseline = await startMosquittoTarget(dir)
      try {
        const s = await search(baseline, rates, stepMs)
        mosquitto.push(s)
        options.log(`rep ${rep} mosquitto: ${describe(s)}`)
      } finally {
        await baseline.stop()
      }
    }
    const extra = {
      devices: DEVICES,
      stepSeconds: stepMs / 1000,
      rates,
      keptUpMeans: `≥ ${KEPT_UP * 100} % of the offered rate stored within the step and the backlog not growing`,
      appAtTopStep: app.some((s) => s.atTop),
      mosquittoAtTopStep: mosquitto.some((s) => s.atTop),
      app,
      mosquitto,
      target: 'sustained ≥ 50,000 msg/s with no backlog growth',
    }
    return [
      line(
        'ingest.sustained',
        'msg/s',
        app.map((s) => s.sustained),
        { name: 'mosquitto+sub', values: mosquitto.map((s) => s.sustained) },
        extra,
      ),
      line(
        'ingest.cpu-per-msg@10k',
        'µs',
        app.map((s) => s.cpuUsPerMsg),
        { name: 'mosquitto+sub', values: mosquitto.map((s) => s.cpuUsPerMsg) },
      ),
    ]
  },
}

export default bench
