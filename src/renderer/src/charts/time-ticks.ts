const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const STEPS = [
  S,
  5 * S,
  15 * S,
  30 * S,
  M,
  2 * M,
  3 * M,
  5 * M,
  10 * M,
  15 * M,
  30 * M,
  H,
  2 * H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
  14 * D,
]

/**
 * Tick positions on round local times (every 5 min, every 3 h, at midnight…) for a linear
 * epoch-ms axis; chart.js's own linear ticks would land on arbitrary milliseconds.
 */
export function timeTicks(min: number, max: number, maxTicks = 8): number[] {
  const span = max - min
  const step = STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / D) * D
  // Align to the local clock: shift by the zone offset so hours and midnights are round locally.
  const offset = -new Date(min).getTimezoneOffset() * M
  const ticks: number[] = []
  for (let t = Math.ceil((min + offset) / step) * step - offset; t <= max; t += step) ticks.push(t)
  return ticks
}
