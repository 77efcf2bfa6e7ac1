/**
 * `npm run bench [-- NAME…] [--quick] [--repetitions N] [--app DIR] [--keep]`: runs
 * bench/<name>.ts (each default-exports a BenchDefinition, see lib/bench-types.ts), prints
 * one line per result on stdout (`name: value unit [min–max] (ratio X vs BASELINE …)`),
 * progress on stderr, and writes everything with the machine's description to
 * bench/results/<timestamp>.json. Exits non-zero only when a bench could not run.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import type { BenchDefinition, BenchLine } from './lib/bench-types'
import { REPO_ROOT } from './lib/child'
import { formatLine } from './lib/stats'

/** Every bench, in the order `npm run bench` runs them (history and ui are run when present). */
const ALL = ['ingest', 'burst', 'many-devices', 'history', 'ui', 'flash', 'soak', 'connections']

const USAGE = `Usage: npm run bench -- [NAME…] [options]

  NAME               one or more of: ${ALL.join(', ')} (default: all)
  --quick            small counts, one repetition: proves every bench still runs (CI)
  --repetitions N    repetitions per measurement (default 3; 1 with --quick)
  --app DIR          bench the app built in another checkout (DIR/out/main/serve.js),
                     e.g. a git worktree of the commit before a change
  --keep             keep each bench's scratch folder (data dirs, serve.log)
  --help             show this help

Results: one line per measurement on stdout, progress on stderr, and
bench/results/<timestamp>.json with every repetition and the machine.
`

interface BenchResult {
  name: string
  description: string
  durationMs: number
  lines: BenchLine[]
  error?: string
  workDir?: string
}

function git(args: string[], cwd: string): string | null {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    return null
  }
}

function describeCheckout(dir: string): {
  dir: string
  commit: string | null
  dirty: boolean | null
} {
  const commit = git(['rev-parse', 'HEAD'], dir)
  const status =
    commit === null ? null : git(['status', '--porcelain', '--untracked-files=no'], dir)
  return { dir, commit, dirty: status === null ? null : status !== '' }
}

function machine(appDir: string | undefined): Record<string, unknown> {
  const cpuList = cpus()
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${process.platform} ${release()}`,
    // Others may be using the machine: a high load average explains noisy numbers.
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    checkout: describeCheckout(REPO_ROOT),
    app: appDir ? describeCheckout(appDir) : 'this checkout',
  }
}

async function loadBench(name: string): Promise<BenchDefinition> {
  const file = join(REPO_ROOT, 'bench', `${name}.ts`)
  if (!/^[a-z0-9-]+$/.test(name) || !existsSync(file)) throw new Error(`no bench/${name}.ts`)
  const module = (await import(pathToFileURL(file).href)) as { default?: BenchDefinition }
  const bench = module.default
  if (!bench || typeof bench.run !== 'function')
    throw new Error(
      `bench/${name}.ts has no default export with run() (see bench/lib/bench-types.ts)`,
    )
  return bench
}

async function main(): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        quick: { type: 'boolean', default: false },
        repetitions: { type: 'string' },
        app: { type: 'string' },
        keep: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(USAGE)
    return 0
  }
  const quick = values.quick
  const repetitions = Number(values.repetitions ?? (quick ? 1 : 3))
  if (!Number.isInteger(repetitions) || repetitions < 1) {
    process.stderr.write('--repetitions must be a whole number ≥ 1\n')
    return 2
  }
  const appDir = values.app ? resolve(values.app) : undefined
  const names =
    positionals.length > 0
      ? positionals
      : ALL.filter((name) => existsSync(join(REPO_ROOT, 'bench', `${name}.ts`)))

  if (quick)
    process.stderr.write(
      '--quick: small counts and one repetition, to prove every bench runs; the figures are not comparable with a full run\n',
    )
  const startedAt = new Date()
  const results: BenchResult[] = []
  for (const name of names) {
    const log = (message: string): void => void process.stderr.write(`[${name}] ${message}\n`)
    const started = performance.now()
    const workDir = await mkdtemp(join(tmpdir(), `iotcc-bench-${name}-`))
    const result: BenchResult = { name, description: '', durationMs: 0, lines: [] }
    try {
      const bench = await loadBench(name)
      result.description = bench.description
      log(`${bench.description}${quick ? ' (quick)' : ''}`)
      result.lines = await bench.run({ quick, repetitions, log, workDir, appDir })
      for (const l of result.lines) process.stdout.write(`${formatLine(l)}\n`)
    } catch (error) {
      result.error = error instanceof Error ? (error.stack ?? error.message) : String(error)
      process.stdout.write(
        `${name}: could not run: ${error instanceof Error ? error.message : String(error)}\n`,
      )
    }
    result.durationMs = Math.round(performance.now() - started)
    log(`done in ${(result.durationMs / 1000).toFixed(1)} s`)
    if (values.keep || result.error) {
      result.workDir = workDir
      log(`scratch folder kept: ${workDir}`)
    } else await rm(workDir, { recursive: true, force: true })
    results.push(result)
  }

  const resultsDir = join(REPO_ROOT, 'bench', 'results')
  await mkdir(resultsDir, { recursive: true })
  const file = join(resultsDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`)
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick,
    repetitions,
    machine: machine(appDir),
    benches: results,
  }
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`)
  process.stderr.write(`results: ${file}\n`)
  return results.some((r) => r.error) ? 1 : 0
}

// Exit explicitly: a bench that leaked a timer or a child must not hold the run open.
// (stdout and stderr are synchronous for files and pipes on Linux, so nothing is cut off.)
process.exit(await main())
