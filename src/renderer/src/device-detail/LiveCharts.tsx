import { useMemo } from 'react'
import { useUnits } from '../app/units-context'
import { TimeSeriesChart, type Series } from '../charts/TimeSeriesChart'
import { useChartColors } from '../charts/use-chart-colors'
import { toUnit, unitLabel } from '../lib/units'
import { useNow } from '../lib/use-now'
import { LIVE_WINDOW_MS } from '../store/live-buffer'
import { useLiveSeries } from '../store/use-live-series'
import { useGaugeConfig } from './use-gauge-config'

/** The last 15 minutes as they arrive: raw points, decimated when dense, window sliding each second. */
export function LiveCharts({ deviceId }: { deviceId: string }) {
  const live = useLiveSeries(deviceId)
  const unit = useUnits()
  const colors = useChartColors()
  const now = useNow()
  const [tempRange] = useGaugeConfig(deviceId, 'temperature')
  const [humRange] = useGaugeConfig(deviceId, 'humidity')
  const version = live?.version ?? -1
  const metrics = live?.metrics

  const [temp, hum] = useMemo((): [Series[], Series[]] => {
    const t = metrics?.get('temperature') ?? []
    const h = metrics?.get('humidity') ?? []
    return [
      [
        {
          id: 'temperature',
          label: 'Temperature',
          color: colors.temp,
          points: t.map((p) => ({ x: p.x, y: toUnit(p.y, unit) })),
        },
      ],
      [{ id: 'humidity', label: 'Humidity', color: colors.hum, points: h.slice() }],
    ]
    // `version` changes whenever the store appended to the (mutable) buffers.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [metrics, version, unit, colors])

  const empty = temp[0]?.points.length === 0 && hum[0]?.points.length === 0
  const toU = (v: number | null): number | null => (v === null ? null : toUnit(v, unit))
  return (
    <section className="card" aria-labelledby="live-title">
      <div className="card__head">
        <h2 id="live-title">Live</h2>
        <span className="muted-inline">
          last 15 minutes{empty ? ' · waiting for readings…' : ''}
        </span>
      </div>
      <div className="chart-pair">
        <TimeSeriesChart
          series={temp}
          from={now - LIVE_WINDOW_MS}
          to={now}
          unit={unitLabel(unit)}
          label="Live temperature chart"
          low={toU(tempRange.low)}
          high={toU(tempRange.high)}
          decimate
          height={200}
        />
        <TimeSeriesChart
          series={hum}
          from={now - LIVE_WINDOW_MS}
          to={now}
          unit="%"
          label="Live humidity chart"
          low={humRange.low}
          high={humRange.high}
          decimate
          height={200}
        />
      </div>
    </section>
  )
}
