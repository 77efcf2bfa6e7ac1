import { useMemo, type CSSProperties } from 'react'
import { Doughnut } from 'react-chartjs-2'
import type { ChartData, ChartOptions } from 'chart.js'
import './register'
import { formatNumber } from '../lib/units'
import { useChartColors, withAlpha } from './use-chart-colors'

export interface GaugeProps {
  label: string
  /** In display units; null while nothing has arrived. */
  value: number | null
  unit: string
  min: number
  max: number
  /** Alert band edges in display units: below `low` or above `high` is out of range. */
  low?: number | null
  high?: number | null
  color: 'temp' | 'hum'
  /** How numbers are written; one decimal by default. */
  format?: (value: number) => string
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v))

/**
 * A half-ring gauge: the inner ring fills to the value, the thin outer ring shows the
 * alert bands. The number is HTML over the canvas so it stays crisp and selectable.
 */
export function Gauge({
  label,
  value,
  unit,
  min,
  max,
  low,
  high,
  color,
  format = formatNumber,
}: GaugeProps) {
  const colors = useChartColors()
  const span = Math.max(1e-9, max - min)
  const lo = low === null || low === undefined ? min : clamp(low, min, max)
  const hi = high === null || high === undefined ? max : clamp(high, lo, max)
  const state =
    value === null
      ? 'none'
      : (low != null && value < low) || (high != null && value > high)
        ? 'alert'
        : 'ok'

  const data = useMemo<ChartData<'doughnut'>>(() => {
    const filled = value === null ? 0 : clamp(value, min, max) - min
    return {
      datasets: [
        {
          data: [lo - min, hi - lo, max - hi],
          backgroundColor: [
            withAlpha(colors.error, 0.55),
            withAlpha(colors.ok, 0.55),
            withAlpha(colors.error, 0.55),
          ],
          borderWidth: 0,
          weight: 0.18,
        },
        { data: [0], backgroundColor: 'transparent', borderWidth: 0, weight: 0.06 },
        {
          data: [filled, span - filled],
          backgroundColor: [state === 'alert' ? colors.error : colors[color], colors.grid],
          borderWidth: 0,
          weight: 1,
        },
      ],
    }
  }, [value, min, max, lo, hi, span, colors, color, state])

  const options = useMemo<ChartOptions<'doughnut'>>(
    () => ({
      circumference: 180,
      rotation: -90,
      cutout: '62%',
      events: [],
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
    }),
    [],
  )

  const text = value === null ? '–' : format(value)
  return (
    <figure className={`gauge gauge--${state}`} aria-label={`${label}: ${text} ${unit}`}>
      <div className="gauge__canvas">
        <Doughnut data={data} options={options} aria-hidden="true" />
        <div className="gauge__value" data-testid={`gauge-${color}`}>
          <span
            className="gauge__number"
            // Lengths for the font size in detail.css: the number shrinks to fit its gauge.
            style={
              {
                '--gauge-chars': text.length,
                '--gauge-unit-chars': unit.length + 1,
              } as CSSProperties
            }
          >
            {text}
          </span>
          <span className="gauge__unit">{unit}</span>
        </div>
      </div>
      <figcaption className="gauge__range">
        <span>
          {format(min)} {unit}
        </span>
        <span>
          {format(max)} {unit}
        </span>
      </figcaption>
    </figure>
  )
}
