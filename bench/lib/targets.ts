/**
 * What a data-path bench publishes to, behind one interface: the app (`npm run serve`'s
 * process, counting what it stored) or the baseline (Mosquitto + `mosquitto_sub -t '#'`,
 * counting the lines the subscriber printed).
 */
import { join } from 'node:path'
import { AppProbe, type StoredCount } from './app-probe'
import { sleep } from './child'
import { LineCountingSubscriber, startMosquitto } from './mosquitto'
import { MB, ProcSampler } from './proc-stats'
import { startServe, type ServeHandle } from './serve-process'

export interface Target {
  /** `app` or `mosquitto` */
  name: string
  host: string
  port: number
  /** Processes whose CPU time counts (the broker and whatever drains it). */
  cpuPids: number[]
  /** Samples RSS of the broker process (the app, or Mosquitto) every 100 ms. */
  sampler: ProcSampler
  /** Messages that made it through: stored by the app, printed by mosquitto_sub. */
  count(): Promise<number>
  /** Set when the target had to be stopped (RSS past the safety limit) or died. */
  failure(): string | null
  stop(): Promise<void>
}

export interface AppTarget extends Target {
  app: ServeHandle
  probe: AppProbe
  /** How the last count() was made (ingest.stats, or readings.query when the app lacks it). */
  lastCount: StoredCount | null
}

/**
 * Above this RSS the app is stopped and the run reported as aborted, so a runaway build cannot
 * take a shared machine down (BENCH_RSS_LIMIT_MB, default 4096).
 */
export const RSS_LIMIT_BYTES = Number(process.env.BENCH_RSS_LIMIT_MB ?? 4096) * MB

export async function startAppTarget(
  dir: string,
  deviceIds: () => readonly string[],
  appDir?: string,
): Promise<AppTarget> {
  const app = await startServe({ dataDir: join(dir, 'data'), appDir })
  const probe = new AppProbe(app.rpc)
  let failure: string | null = null
  const sampler = new ProcSampler(app.pid, 100, (sample) => {
    if (sample.rssBytes > RSS_LIMIT_BYTES && failure === null) {
      failure = `RSS ${Math.round(sample.rssBytes / MB)} MB passed the ${RSS_LIMIT_BYTES / MB} MB safety limit (BENCH_RSS_LIMIT_MB); stopped`
      process.kill(app.pid, 'SIGKILL')
    }
  })
  const target: AppTarget = {
    name: 'app',
    host: app.brokerHost,
    port: app.brokerPort,
    cpuPids: [app.pid],
    sampler,
    app,
    probe,
    lastCount: null,
    async count() {
      target.lastCount = await probe.storedMessages(deviceIds())
      return target.lastCount.messages
    },
    failure: () => failure ?? (app.exited() ? `the app exited (${app.exited()})` : null),
    async stop() {
      sampler.stop()
      await app.stop()
    },
  }
  return target
}

export async function startMosquittoTarget(dir: string): Promise<Target> {
  const broker = await startMosquitto(dir)
  const sub = await LineCountingSubscriber.start(broker.port)
  const sampler = new ProcSampler(broker.pid, 100)
  return {
    name: 'mosquitto',
    host: '127.0.0.1',
    port: broker.port,
    cpuPids: [broker.pid, sub.pid],
    sampler,
    count: () => Promise.resolve(sub.lines),
    failure: () => null,
    async stop() {
      sampler.stop()
      await sub.stop()
      await broker.stop()
    },
  }
}

export interface WaitResult {
  count: number
  /** performance.now() when `count` was first seen (the end of the drain). */
  at: number
  /** True when the count reached the goal. */
  complete: boolean
}

/**
 * Polls `target.count()` until it reaches `goal`, stops growing for `stallMs`, or `timeoutMs`
 * passes. Polls every 20 ms for Mosquitto (a counter in this process) and every 100 ms for
 * the app (an RPC; 500 ms when it is counted through the database).
 */
export async function waitForCount(
  target: Target,
  goal: number,
  { stallMs = 10_000, timeoutMs = 600_000 } = {},
): Promise<WaitResult> {
  const started = performance.now()
  let last = -1
  let lastChange = started
  let at = started
  for (;;) {
    let count: number
    try {
      count = await target.count()
    } catch (error) {
      // A target stopped at the safety limit (or crashed) cannot answer: report what was seen.
      if (target.failure()) return { count: Math.max(last, 0), at, complete: false }
      throw error
    }
    const now = performance.now()
    if (count !== last) {
      last = count
      lastChange = now
      at = now
    }
    if (count >= goal) return { count, at, complete: true }
    if (target.failure() || now - lastChange > stallMs || now - started > timeoutMs)
      return { count, at, complete: false }
    const slow = target.name === 'app' && (target as AppTarget).lastCount?.via === 'readings.query'
    await sleep(target.name === 'app' ? (slow ? 500 : 100) : 20)
  }
}
