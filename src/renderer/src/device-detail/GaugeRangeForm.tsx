import { useState, type FormEvent } from 'react'
import { displayUnit, fromDisplay, metricLabel, toDisplay, type TempUnit } from '../lib/units'
import type { GaugeConfig } from './use-gauge-config'

const FIELDS = [
  { key: 'min', label: 'Scale from' },
  { key: 'max', label: 'Scale to' },
  { key: 'low', label: 'Alert below' },
  { key: 'high', label: 'Alert above' },
] as const

/** Edits one gauge's scale and alert band in the person's unit. Empty band fields = no band. */
export function GaugeRangeForm({
  metric,
  config,
  unit,
  onSave,
  onCancel,
}: {
  metric: string
  config: GaugeConfig
  unit: TempUnit
  onSave: (config: GaugeConfig) => void
  onCancel: () => void
}) {
  const show = (v: number | null): string =>
    v === null ? '' : String(Math.round(toDisplay(metric, v, unit) * 10) / 10)
  const [values, setValues] = useState<Record<(typeof FIELDS)[number]['key'], string>>({
    min: show(config.min),
    max: show(config.max),
    low: show(config.low),
    high: show(config.high),
  })
  const [problem, setProblem] = useState<string>()
  const suffix = displayUnit(metric, unit)
  const read = (text: string): number | null => {
    if (text.trim() === '') return null
    const n = Number(text.replace(',', '.'))
    if (!Number.isFinite(n)) return NaN
    return fromDisplay(metric, n, unit)
  }

  const submit = (e: FormEvent): void => {
    e.preventDefault()
    const [min, max, low, high] = [
      read(values.min),
      read(values.max),
      read(values.low),
      read(values.high),
    ]
    if (min === null || max === null || Number.isNaN(min) || Number.isNaN(max))
      return setProblem('Enter numbers for both ends of the scale.')
    if (max <= min) return setProblem('“Scale to” must be larger than “Scale from”.')
    if (Number.isNaN(low) || Number.isNaN(high))
      return setProblem('Alert limits must be numbers, or empty for none.')
    if (low !== null && high !== null && high <= low)
      return setProblem('“Alert above” must be larger than “Alert below”.')
    onSave({ min, max, low, high })
  }

  return (
    <form
      className="gauge-form"
      onSubmit={submit}
      aria-label={`${metricLabel(metric)} gauge range`}
    >
      {FIELDS.map((f) => (
        <label key={f.key}>
          <span>
            {f.label}
            {suffix === '' ? '' : ` (${suffix})`}
          </span>
          <input
            inputMode="decimal"
            value={values[f.key]}
            onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            placeholder={f.key === 'low' || f.key === 'high' ? 'none' : undefined}
          />
        </label>
      ))}
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <div className="gauge-form__actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Apply
        </button>
      </div>
    </form>
  )
}
