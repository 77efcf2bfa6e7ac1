import { useMemo } from 'react'
import { useUnits } from '../app/units-context'
import { TimeSeriesChart, type Series } from '../charts/TimeSeriesChart'
import { useChartColors } from '../charts/use-chart-colors'
import { compactUnit, inSentence, metricLabel, toDisplay } from '../lib/units'
import { useNow } from '../lib/use-now'
import { LIVE_WINDOW_MS } from '../store/live-buffer'
import type { LiveSeries } from '../store/live-store'
import { useLiveSeries } from '../store/use-live-series'
import { useGaugeConfig } from './use-gauge-config'

/**
 * The last 15 minutes as they arrive, one chart per metric the device sends: raw points,
 * decimated when dense, window sliding each second.
 */
export function LiveCharts({ deviceId, metrics }: { deviceId: string; metrics: string[] }) {
  const live = useLiveSeries(deviceId)
  const now = useNow()
  const empty = metrics.every((m) => (live?.metrics.get(m)?.length ?? 0) === 0)
  return (
    <section className="card" aria-labelledby="live-title">
      <div className="card__head">
        <h2 id="live-title">Live</h2>
        <span className="muted-inline">
          last 15 minutes{empty ? ' · waiting for readings…' : ''}
        </span>
      </div>
      <div className="chart-pair">
        {metrics.map((metric, i) => (
          <LiveMetricChart
            key={metric}
            deviceId={deviceId}
            metric={metric}
            live={live}
            now={now}
            colorIndex={i}
          />
        ))}
      </div>
    </section>
  )
}

function LiveMetricChart({
  deviceId,
  metric,
  live,
  now,
  colorIndex,
}: {
  deviceId: string
  metric: string
  live: LiveSeries | undefined
  now: number
  colorIndex: number
}) {
  const unit = useUnits()
  const colors = useChartColors()
  const [range] = useGaugeConfig(deviceId, metric)
  const version = live?.version ?? -1
  const points = live?.metrics.get(metric)
  const color =
    metric === 'temperature'
      ? colors.temp
      : metric === 'humidity'
        ? colors.hum
        : (colors.series[colorIndex % colors.series.length] ?? colors.hum)
  const series = useMemo(
    (): Series[] => [
      {
        id: metric,
        label: metricLabel(metric),
        color,
        points: (points ?? []).map((p) => ({ x: p.x, y: toDisplay(metric, p.y, unit) })),
      },
    ],
    // `version` changes whenever the store appended to the (mutable) buffers.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [points, version, unit, color, metric],
  )
  const toU = (v: number | null): number | null => (v === null ? null : toDisplay(metric, v, unit))
  return (
    <figure className="live-chart">
      <figcaption className="muted-inline">{metricLabel(metric)}</figcaption>
      <TimeSeriesChart
        series={series}
        from={now - LIVE_WINDOW_MS}
        to={now}
        unit={compactUnit(metric, unit)}
        label={`Live ${inSentence(metricLabel(metric))} chart`}
        low={toU(range.low)}
        high={toU(range.high)}
        decimate
        height={200}
      />
    </figure>
  )
}
