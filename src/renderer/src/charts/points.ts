/**
 * Point shapes shared by the charts and the stores that feed them; in a plain .ts module so
 * store logic (and its unit tests in plain Node) does not depend on React components.
 */

/** One point of a time series chart: epoch ms and value. */
export interface XY {
  x: number
  y: number
}

/** One point of a sparkline: epoch ms and value. */
export interface SparkPoint {
  t: number
  v: number
}
