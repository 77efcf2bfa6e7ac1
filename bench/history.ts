/**
 * History queries (readings.query) against a plain SELECT of the raw rows in the same range,
 * run side by side on the same database file: what the rollup tiers save a chart.
 *   npm run bench -- history [--quick]
 */
import { mkdirSync } from 'node:fs'
import { DatabaseSync } from 'node:sqlite'
import { systemClock, type Clock } from '../src/main/core/base/clock'
import { silentLogger } from '../src/main/core/base/logger'
import { ReadingsStore } from '../src/main/core/readings/readings-store'
import type { BenchDefinition, BenchLine, BenchOptions } from './lib/bench-types'
import { formatLine, line, summarize } from './lib/stats'

const DAY = 86_400_000
const NOW = Date.UTC(2026, 0, 1)
const POINTS = 1000

/** One device, two metrics, a message every `stepMs` over `days` up to NOW; returns readings/s. */
function fill(store: ReadingsStore, deviceId: string, days: number, stepMs: number): number {
  const readings = [
    { metric: 'temperature', value: 0 },
    { metric: 'humidity', value: 0 },
  ]
  const started = performance.now()
  let seq = 0
  for (let ts = NOW - days * DAY; ts < NOW; ts += stepMs) {
    readings[0]!.value = 20 + 5 * Math.sin(ts / 3_600_000) + (seq % 7) / 10
    readings[1]!.value = 50 + 10 * Math.sin(ts / 7_200_000)
    store.add(deviceId, ts, seq++, readings)
  }
  store.flush()
  return (2 * seq) / ((performance.now() - started) / 1000)
}

/**
 * Times `repetitions` runs of `fn` after one untimed warm-up: wall ms, and CPU ms of this
 * process (less skewed than wall time when other work shares the cores).
 */
function time(fn: () => unknown, repetitions: number): { wall: number[]; cpu: number[] } {
  fn()
  const wall: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < repetitions; i++) {
    const cpuStart = process.cpuUsage()
    const started = performance.now()
    fn()
    wall.push(performance.now() - started)
    const used = process.cpuUsage(cpuStart)
    cpu.push((used.user + used.system) / 1000)
  }
  return { wall, cpu }
}

async function run(options: BenchOptions): Promise<BenchLine[]> {
  const { quick, log } = options
  const repetitions = Math.max(1, options.repetitions)
  const dataDir = `${options.workDir}/history`
  mkdirSync(dataDir, { recursive: true })
  const clock: Clock = { ...systemClock, now: () => NOW }
  // Raw kept past a year, so the baseline has raw rows to read for every range.
  const store = new ReadingsStore({
    dataDir,
    clock,
    logger: silentLogger,
    retentionDays: () => 400,
  })
  const tenSecondDays = quick ? 2 : 30
  const minuteDays = quick ? 20 : 365
  log(`history: filling ${tenSecondDays} d at 10 s and ${minuteDays} d at 1 min (2 metrics)…`)
  const rate10s = fill(store, 'bench-10s', tenSecondDays, 10_000)
  const rate1m = fill(store, 'bench-1m', minuteDays, 60_000)
  log(`history: stored ${Math.round(rate10s)} and ${Math.round(rate1m)} readings/s`)

  const raw = new DatabaseSync(store.file, { readOnly: true })
  const plain = raw.prepare('SELECT ts, data FROM samples WHERE device = ? AND ts >= ? AND ts < ?')
  plain.setReturnArrays(true)
  const deviceRow = raw.prepare('SELECT id FROM devices WHERE name = ?')
  const cases: [name: string, deviceId: string, spanMs: number][] = [
    ['30d-1000pts', 'bench-10s', 30 * DAY],
    ['1h', 'bench-1m', 3_600_000],
    ['1d', 'bench-1m', DAY],
    ['7d', 'bench-1m', 7 * DAY],
    ['30d', 'bench-1m', 30 * DAY],
    ['1y', 'bench-1m', 365 * DAY],
  ]
  const lines: BenchLine[] = []
  try {
    for (const [name, deviceId, span] of cases) {
      const from = NOW - span
      const q = { deviceIds: [deviceId], metrics: ['temperature'], from, to: NOW, points: POINTS }
      let result = store.query(q)
      const query = time(() => (result = store.query(q)), repetitions)
      const device = Number(deviceRow.get(deviceId)?.id)
      let rows = 0
      const baseline = time(() => (rows = plain.all(device, from, NOW).length), repetitions)
      const out = line(
        `history.${name}`,
        'ms',
        query.wall,
        { name: 'plain SELECT of raw rows', values: baseline.wall },
        {
          cpuMs: summarize(query.cpu).value,
          baselineCpuMs: summarize(baseline.cpu).value,
          points: result.series[0]?.buckets.length ?? 0,
          bucketMs: result.bucketMs,
          rawRows: rows,
          target: name === '30d-1000pts' ? '< 10 ms per metric' : '< 30 ms',
          ...(name === '30d-1000pts' ? { fillReadingsPerS: Math.round(rate10s) } : {}),
        },
      )
      log(
        `${formatLine(out)}, ${out.extra?.points} points of ${result.bucketMs / 1000} s, CPU ${summarize(query.cpu).value.toFixed(2)} vs ${summarize(baseline.cpu).value.toFixed(2)} ms`,
      )
      lines.push(out)
    }
  } finally {
    raw.close()
    store.close()
  }
  return lines
}

const history: BenchDefinition = {
  name: 'history',
  description:
    'readings.query (1,000 points, one metric) over 1 h … 1 year of one device, against a plain SELECT of the raw rows in the same range on the same file.',
  run,
}
export default history
