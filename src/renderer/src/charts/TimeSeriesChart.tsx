import { useMemo } from 'react'
import { Line } from 'react-chartjs-2'
import type { ChartData, ChartDataset, ChartOptions } from 'chart.js'
import './register'
import { formatDateTime, formatTick } from '../lib/time'
import { formatNumber } from '../lib/units'
import { alertBandsPlugin } from './alert-bands-plugin'
import { timeTicks } from './time-ticks'
import { useChartColors, withAlpha } from './use-chart-colors'

import type { XY } from './points'

export type { XY }

export interface Series {
  id: string
  label: string
  color: string
  points: XY[]
  /** min/max per bucket, drawn as a shaded band behind the line. */
  band?: { min: XY[]; max: XY[] }
}

export interface TimeSeriesChartProps {
  series: Series[]
  /** x range in epoch ms. */
  from: number
  to: number
  unit: string
  label: string
  low?: number | null
  high?: number | null
  /** Thin long series with LTTB (live and overlay views); history arrives pre-bucketed. */
  decimate?: boolean
  height?: number
}

type LineDataset = ChartDataset<'line', XY[]>

const plugins = [alertBandsPlugin]

/**
 * A time chart on a linear epoch-ms axis. `parsing: false` + sorted {x,y} points lets
 * chart.js skip parsing and decimate; animations are off (register.ts) so streaming
 * updates only redraw.
 */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { series, from, to, unit, label, low, high, decimate = false, height = 260 } = props
  const colors = useChartColors()

  const data = useMemo<ChartData<'line', XY[]>>(() => {
    const datasets: LineDataset[] = []
    for (const s of series) {
      if (s.band) {
        datasets.push(
          {
            label: `${s.label} max`,
            data: s.band.max,
            borderWidth: 0,
            pointRadius: 0,
            fill: '+1',
            backgroundColor: withAlpha(s.color, 0.18),
            borderColor: 'transparent',
          },
          {
            label: `${s.label} min`,
            data: s.band.min,
            borderWidth: 0,
            pointRadius: 0,
            fill: false,
            borderColor: 'transparent',
          },
        )
      }
      datasets.push({
        label: s.label,
        data: s.points,
        borderColor: s.color,
        backgroundColor: s.color,
        borderWidth: 1.75,
        // Sparse series (a device that reports every 10 min, a fresh device) would be invisible as a bare line.
        pointRadius: s.points.length < 30 ? 2.5 : 0,
        pointHitRadius: 6,
        tension: 0,
        spanGaps: false,
      })
    }
    return { datasets }
  }, [series])

  const options = useMemo<ChartOptions<'line'>>(() => {
    const span = Math.max(1, to - from)
    const showLegend = series.length > 1
    return {
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      scales: {
        x: {
          type: 'linear',
          min: from,
          max: to,
          grid: { color: withAlpha(colors.grid, 0.6) },
          border: { color: colors.grid },
          afterBuildTicks: (scale) => {
            // One label per ~90 px: chart.js's own skipping left "06:46 PM06:48 PM" overlapping
            // in half-width live charts.
            const fit = Math.max(2, Math.min(8, Math.floor(scale.width / 90)))
            scale.ticks = timeTicks(from, to, fit).map((value) => ({ value }))
          },
          ticks: {
            color: colors.muted,
            maxRotation: 0,
            autoSkipPadding: 12,
            callback: (v) => formatTick(Number(v), span),
          },
        },
        y: {
          type: 'linear',
          grace: '5%',
          grid: { color: withAlpha(colors.grid, 0.6) },
          border: { color: colors.grid },
          ticks: {
            color: colors.muted,
            maxTicksLimit: 6,
            callback: (v) => `${formatNumber(Number(v))} ${unit}`,
          },
        },
      },
      plugins: {
        legend: {
          display: showLegend,
          position: 'bottom',
          labels: {
            color: colors.text,
            boxWidth: 12,
            boxHeight: 12,
            filter: (item) => !/ (min|max)$/.test(item.text),
          },
        },
        tooltip: {
          filter: (item) => !/ (min|max)$/.test(item.dataset.label ?? ''),
          callbacks: {
            title: (items) => (items[0] ? formatDateTime(items[0].parsed.x ?? 0) : ''),
            label: (item) => `${item.dataset.label}: ${formatNumber(item.parsed.y)} ${unit}`,
          },
        },
        decimation: { enabled: decimate, algorithm: 'lttb', samples: 500, threshold: 800 },
        alertBands: { low, high, color: withAlpha(colors.error, 0.08) },
      },
    }
  }, [from, to, unit, colors, series.length, decimate, low, high])

  return (
    <div className="chart" style={{ height }} role="img" aria-label={label}>
      <Line data={data} options={options} plugins={plugins} updateMode="none" />
    </div>
  )
}
