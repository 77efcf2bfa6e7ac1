import { useState } from 'react'
import { useUnits } from '../app/units-context'
import { Gauge } from '../charts/Gauge'
import { formatNumber, toUnit, unitLabel } from '../lib/units'
import { GaugeRangeForm } from './GaugeRangeForm'
import { useGaugeConfig, type GaugeMetric } from './use-gauge-config'

/** One gauge with its own "Range…" editor. */
export function GaugeCard({
  deviceId,
  metric,
  value,
}: {
  deviceId: string
  metric: GaugeMetric
  value: number | null
}) {
  const unit = useUnits()
  const [config, setConfig] = useGaugeConfig(deviceId, metric)
  const [editing, setEditing] = useState(false)
  const isTemp = metric === 'temperature'
  const conv = (v: number | null): number | null =>
    v === null ? null : isTemp ? toUnit(v, unit) : v
  return (
    <section
      className="card gauge-card"
      aria-label={isTemp ? 'Temperature gauge' : 'Humidity gauge'}
    >
      <div className="card__head">
        <h2>{isTemp ? 'Temperature' : 'Humidity'}</h2>
        <span className="spacer" />
        {!editing && (
          <button type="button" className="small" onClick={() => setEditing(true)}>
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
      ) : (
        <>
          <Gauge
            label={isTemp ? 'Temperature' : 'Humidity'}
            value={conv(value)}
            unit={isTemp ? unitLabel(unit) : '%'}
            min={conv(config.min) ?? 0}
            max={conv(config.max) ?? 100}
            low={conv(config.low)}
            high={conv(config.high)}
            color={isTemp ? 'temp' : 'hum'}
          />
          {config.low !== null || config.high !== null ? (
            <p className="gauge-card__band">
              {describeBand(conv(config.low), conv(config.high), isTemp ? unitLabel(unit) : '%')}
            </p>
          ) : null}
        </>
      )}
    </section>
  )
}

/** The green part of the ring in words: alerts fire outside it. */
function describeBand(low: number | null, high: number | null, unit: string): string {
  const f = (v: number): string => `${formatNumber(v)} ${unit}`
  if (low !== null && high !== null) return `Normal: ${formatNumber(low)} – ${f(high)}`
  if (low !== null) return `Normal: above ${f(low)}`
  return high !== null ? `Normal: up to ${f(high)}` : ''
}
