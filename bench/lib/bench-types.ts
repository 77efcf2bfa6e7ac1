/**
 * The shape every benchmark in bench/ shares. `npm run bench [-- NAME…] [--quick]` loads
 * `bench/<name>.ts`, whose default export is a BenchDefinition, runs it, prints each line as
 * `name: value unit (ratio X vs BASELINE)` and writes all lines as JSON to bench/results/.
 * Numbers never fail anything: a benchmark throws only when it could not run at all.
 */
export interface BenchOptions {
  /** CI mode: small counts, one repetition, seconds not minutes; proves the bench still runs. */
  quick: boolean
  /** Repetitions for median and spread (1 when quick). */
  repetitions: number
  /** Progress for a person watching (stderr); results go in the returned lines. */
  log: (message: string) => void
  /** A scratch folder for this run (data dirs, databases); removed afterwards. */
  workDir: string
  /**
   * The checkout whose built app (out/main/serve.js) benches that start `npm run serve` run
   * (`--app DIR`); undefined = this checkout. Lets one run compare a build from before a change.
   */
  appDir?: string
}

/** One printed result. `ratio` = value ÷ baselineValue (both in the same unit). */
export interface BenchLine {
  /** e.g. `burst.throughput`, `history.30d-1000pts` */
  name: string
  /** Median over the repetitions. */
  value: number
  unit: string
  /** [min, max] over the repetitions, when there were several. */
  spread?: [number, number]
  /** What the value is compared with, run side by side in the same process tree. */
  baseline?: { name: string; value: number }
  ratio?: number
  /** Anything else worth keeping in the JSON (RSS peaks, counts, targets). */
  extra?: Record<string, unknown>
}

export interface BenchDefinition {
  name: string
  /** One sentence: what is measured against what. */
  description: string
  run(options: BenchOptions): Promise<BenchLine[]>
}
