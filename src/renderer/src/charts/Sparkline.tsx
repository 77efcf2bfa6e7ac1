import { memo } from 'react'
import type { SparkPoint } from './points'

export type { SparkPoint }

const W = 120
const H = 32

/**
 * The last hour as a tiny SVG line. Plain SVG rather than chart.js: hundreds of cards each
 * with a canvas chart would cost far more than a path of a few dozen points.
 */
export const Sparkline = memo(function Sparkline({
  points,
  from,
  to,
  color,
  label,
}: {
  points: readonly SparkPoint[]
  from: number
  to: number
  color: 'temp' | 'hum'
  label: string
}) {
  const visible = points.filter((p) => p.t >= from && p.t <= to)
  let d = ''
  if (visible.length > 1) {
    let lo = Infinity
    let hi = -Infinity
    for (const p of visible) {
      lo = Math.min(lo, p.v)
      hi = Math.max(hi, p.v)
    }
    // A flat line sits in the middle rather than on an edge.
    const pad = hi - lo < 0.2 ? 0.5 : (hi - lo) * 0.1
    lo -= pad
    hi += pad
    const sx = W / Math.max(1, to - from)
    const sy = H / (hi - lo)
    d = visible
      .map(
        (p, i) =>
          `${i === 0 ? 'M' : 'L'}${((p.t - from) * sx).toFixed(1)},${(H - (p.v - lo) * sy).toFixed(1)}`,
      )
      .join('')
  }
  return (
    <svg
      className={`sparkline sparkline--${color}`}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      {d ? (
        <path d={d} />
      ) : (
        <line x1="0" x2={W} y1={H / 2} y2={H / 2} className="sparkline__empty" />
      )}
    </svg>
  )
})
