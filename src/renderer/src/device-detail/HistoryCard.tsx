import { useMemo, useState } from 'react'
import { useUnits } from '../app/units-context'
import { TimeSeriesChart } from '../charts/TimeSeriesChart'
import { useChartColors } from '../charts/use-chart-colors'
import { ErrorBanner } from '../components/ErrorBanner'
import { Segmented } from '../components/Segmented'
import { compactUnit, metricLabel, toDisplay } from '../lib/units'
import { useDeviceList } from '../store/use-device-list'
import { ExportButton } from './ExportButton'
import { historySeries } from './history-series'
import { OverlayPicker } from './OverlayPicker'
import { RangePicker } from './RangePicker'
import { useGaugeConfig } from './use-gauge-config'
import { useHistory } from './use-history'
import { useRange } from './use-range'

/** Stored history as min/avg/max buckets, optionally compared with other devices, exportable as CSV. */
export function HistoryCard({ deviceId, metrics }: { deviceId: string; metrics: string[] }) {
  const unit = useUnits()
  const colors = useChartColors()
  const { devices } = useDeviceList()
  const { key, setKey, custom, setCustom, range } = useRange()
  const [chosen, setMetric] = useState<string>()
  const metric =
    chosen !== undefined && metrics.includes(chosen) ? chosen : (metrics[0] ?? 'temperature')
  const [overlays, setOverlays] = useState<string[]>([])
  const [bandConfig] = useGaugeConfig(deviceId, metric)
  const ids = useMemo(() => [deviceId, ...overlays], [deviceId, overlays])
  const history = useHistory(ids, [metric], range.from, range.to)

  const convert = useMemo(() => (v: number) => toDisplay(metric, v, unit), [metric, unit])
  const series = useMemo(() => {
    const names = new Map(devices.map((d) => [d.id, d.name]))
    return historySeries(
      history.result,
      metric,
      names,
      [metric === 'temperature' ? colors.temp : colors.hum, ...colors.series],
      convert,
    )
  }, [history.result, metric, devices, colors, convert])
  const count = series[0]?.points.filter((p) => !Number.isNaN(p.y)).length ?? 0

  return (
    <section className="card" aria-labelledby="history-title">
      <div className="card__head card__head--wrap">
        <h2 id="history-title">History</h2>
        <MetricPicker metrics={metrics} value={metric} onChange={setMetric} />
        <RangePicker value={key} onChange={setKey} custom={custom} onCustom={setCustom} />
        <span className="spacer" />
        <OverlayPicker deviceId={deviceId} selected={overlays} onChange={setOverlays} />
        <ExportButton deviceIds={ids} metrics={metrics} from={range.from} to={range.to} />
      </div>
      <ErrorBanner error={history.error} onRetry={history.reload} />
      <div className="history-chart" aria-busy={history.loading}>
        <TimeSeriesChart
          series={series}
          from={range.from}
          to={range.to}
          unit={compactUnit(metric, unit)}
          label={`${metricLabel(metric)} history`}
          low={bandConfig.low === null ? null : convert(bandConfig.low)}
          high={bandConfig.high === null ? null : convert(bandConfig.high)}
          height={300}
        />
        {!history.loading && !history.error && count === 0 && (
          <p className="chart-overlay-note">No readings stored in this time range.</p>
        )}
      </div>
      <p className="chart-caption muted-inline">
        Line: average per {describeBucket(history.result?.bucketMs)}; shaded band: minimum to
        maximum.
      </p>
    </section>
  )
}

function describeBucket(ms: number | undefined): string {
  if (!ms) return 'interval'
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`
  return `${Math.round((ms / 3_600_000) * 10) / 10} h`
}

/** A segmented switch for a few metrics, a drop-down when a device sends many. */
function MetricPicker({
  metrics,
  value,
  onChange,
}: {
  metrics: string[]
  value: string
  onChange: (metric: string) => void
}) {
  if (metrics.length <= 3)
    return (
      <Segmented
        label="Metric"
        value={value}
        onChange={onChange}
        options={metrics.map((m) => ({ value: m, label: metricLabel(m) }))}
      />
    )
  return (
    <select aria-label="Metric" value={value} onChange={(e) => onChange(e.target.value)}>
      {metrics.map((m) => (
        <option key={m} value={m}>
          {metricLabel(m)}
        </option>
      ))}
    </select>
  )
}
