import type { XY } from '../charts/points'

/** The live chart keeps the last 15 minutes of raw readings of the devices on screen. */
export const LIVE_WINDOW_MS = 15 * 60_000
/** Hard cap per metric whatever the rate, so a chatty device cannot grow memory. */
export const LIVE_MAX_POINTS = 5_000

/**
 * Appends in time order (a late reading is inserted at its place) and trims to the window
 * and the cap. Mutates and returns the same array: the store bumps a version instead.
 */
export function addToLive(points: XY[], x: number, y: number): XY[] {
  const last = points[points.length - 1]
  if (!last || x >= last.x) {
    points.push({ x, y })
  } else {
    let i = points.length - 1
    while (i > 0 && (points[i - 1] as XY).x > x) i--
    points.splice(i, 0, { x, y })
  }
  const cutoff = (points[points.length - 1] as XY).x - LIVE_WINDOW_MS
  let drop = 0
  while (drop < points.length && (points[drop] as XY).x < cutoff) drop++
  drop = Math.max(drop, points.length - LIVE_MAX_POINTS)
  if (drop > 0) points.splice(0, drop)
  return points
}
