import { useState } from 'react'
import { metricInfo } from '@shared/metrics'
import { useUnits } from '../app/units-context'
import { Gauge } from '../charts/Gauge'
import {
  compactUnit,
  formatMetric,
  formatMetricNumber,
  isTemperature,
  metricLabel,
  toDisplay,
} from '../lib/units'
import { GaugeRangeForm } from './GaugeRangeForm'
import { gaugeDefaults, useGaugeConfig, type GaugeConfig } from './use-gauge-config'

/**
 * One metric's gauge with its own "Range…" editor. A metric the catalog gives no scale
 * (illuminance, power, anything unnamed) is a number tile until the person sets a range.
 */
export function GaugeCard({
  deviceId,
  metric,
  value,
}: {
  deviceId: string
  metric: string
  value: number | null
}) {
  const unit = useUnits()
  const [config, setConfig] = useGaugeConfig(deviceId, metric)
  const [editing, setEditing] = useState(false)
  const label = metricLabel(metric)
  const shownUnit = compactUnit(metric, unit)
  const conv = (v: number | null): number | null => (v === null ? null : toDisplay(metric, v, unit))
  // Unchanged defaults of a metric without a catalog scale would be a made-up ring.
  const asTile = metricInfo(metric).gauge === undefined && sameConfig(config, gaugeDefaults(metric))
  return (
    <section
      className={`card gauge-card${asTile ? ' gauge-card--tile' : ''}`}
      aria-label={`${label} gauge`}
      data-metric={metric}
    >
      <div className="card__head">
        <h2>{label}</h2>
        <span className="spacer" />
        {!editing && (
          <button
            type="button"
            className="small"
            onClick={() => setEditing(true)}
            aria-label={`${label} range…`}
          >
            Range…
          </button>
        )}
      </div>
      {editing ? (
        <GaugeRangeForm
          metric={metric}
          config={config}
          unit={unit}
          onCancel={() => setEditing(false)}
          onSave={(next) => {
            setConfig(next)
            setEditing(false)
          }}
        />
      ) : asTile ? (
        <p
          className="stat-tile"
          role="img"
          aria-label={`${label}: ${formatMetric(metric, value, unit)}`}
        >
          {formatMetric(metric, value, unit)}
        </p>
      ) : (
        <>
          <Gauge
            label={label}
            value={conv(value)}
            unit={shownUnit}
            min={conv(config.min) ?? 0}
            max={conv(config.max) ?? 100}
            low={conv(config.low)}
            high={conv(config.high)}
            color={isTemperature(metric) ? 'temp' : 'hum'}
            format={(v) => formatMetricNumber(metric, v)}
          />
          {config.low !== null || config.high !== null ? (
            <p className="gauge-card__band">
              {describeBand(conv(config.low), conv(config.high), shownUnit, (v) =>
                formatMetricNumber(metric, v),
              )}
            </p>
          ) : null}
        </>
      )}
    </section>
  )
}

/** The green part of the ring in words: alerts fire outside it. */
function describeBand(
  low: number | null,
  high: number | null,
  unit: string,
  format: (v: number) => string,
): string {
  const f = (v: number): string => `${format(v)} ${unit}`.trim()
  if (low !== null && high !== null) return `Normal: ${format(low)} – ${f(high)}`
  if (low !== null) return `Normal: above ${f(low)}`
  return high !== null ? `Normal: up to ${f(high)}` : ''
}

function sameConfig(a: GaugeConfig, b: GaugeConfig): boolean {
  return a.min === b.min && a.max === b.max && a.low === b.low && a.high === b.high
}
