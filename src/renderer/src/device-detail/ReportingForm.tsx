import { useState, type FormEvent } from 'react'
import { useUnits } from '../app/units-context'
import { deltaFromUnit, unitLabel } from '../lib/units'
import { CommandAck } from './CommandAck'
import { useDeviceCommand } from './use-device-command'

/** Firmware limits (firmware/lib/iotfw/config.py SPEC), checked here so mistakes show before sending. */
const FIELDS = [
  { key: 'interval', label: 'Read every', suffix: 's', min: 1, max: 86_400, placeholder: '10' },
  {
    key: 'delta_t',
    label: 'Report when temperature changes by',
    suffix: 'temp',
    min: 0,
    max: 100,
    placeholder: '0.5',
  },
  {
    key: 'delta_h',
    label: 'Report when humidity changes by',
    suffix: '%',
    min: 0,
    max: 100,
    placeholder: '1',
  },
  {
    key: 'max_silence',
    label: 'Report at least every',
    suffix: 's',
    min: 10,
    max: 604_800,
    placeholder: '3600',
  },
] as const
type Key = (typeof FIELDS)[number]['key']

/**
 * Reporting settings sent to the device as one `set` command; only filled fields are
 * sent, and the device's ack (what it applied, or why not) is shown.
 */
export function ReportingForm({ deviceId }: { deviceId: string }) {
  const unit = useUnits()
  const { state, send } = useDeviceCommand(deviceId)
  const [values, setValues] = useState<Record<Key, string>>({
    interval: '',
    delta_t: '',
    delta_h: '',
    max_silence: '',
  })
  const [qos, setQos] = useState<'' | '0' | '1'>('')
  const [problem, setProblem] = useState<string>()

  const submit = (e: FormEvent): void => {
    e.preventDefault()
    const settings: Record<string, number> = {}
    for (const f of FIELDS) {
      const text = values[f.key].trim().replace(',', '.')
      if (text === '') continue
      const n = Number(text)
      if (!Number.isFinite(n) || n < f.min || n > f.max) {
        setProblem(`${f.label}: enter a number from ${f.min} to ${f.max}.`)
        return
      }
      settings[f.key] = f.key === 'delta_t' ? Math.round(deltaFromUnit(n, unit) * 100) / 100 : n
    }
    if (qos !== '') settings.qos = Number(qos)
    if (Object.keys(settings).length === 0) {
      setProblem('Fill in at least one value to send.')
      return
    }
    setProblem(undefined)
    void send({ cmd: 'set', ...settings }, (ack) => `Applied: ${describeApplied(ack.applied)}`)
  }

  return (
    <form
      className="form-grid form-grid--compact reporting-form"
      onSubmit={submit}
      aria-label="Reporting"
    >
      {FIELDS.map((f) => (
        <label key={f.key} className="form-grid__row">
          <span>{f.label}</span>
          <span className="input-suffix">
            <input
              inputMode="decimal"
              name={f.key}
              value={values[f.key]}
              placeholder={f.placeholder}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            />
            <span>{f.suffix === 'temp' ? unitLabel(unit) : f.suffix}</span>
          </span>
        </label>
      ))}
      <label className="form-grid__row">
        <span>Telemetry QoS</span>
        <select value={qos} onChange={(e) => setQos(e.target.value as '' | '0' | '1')}>
          <option value="">unchanged</option>
          <option value="0">0 — at most once</option>
          <option value="1">1 — at least once</option>
        </select>
      </label>
      {problem && (
        <p className="form-error form-grid__full" role="alert">
          {problem}
        </p>
      )}
      <div className="form-actions form-grid__full">
        <button type="submit" className="primary" disabled={state.phase === 'pending'}>
          Send to device
        </button>
        <CommandAck state={state} />
      </div>
    </form>
  )
}

function describeApplied(applied: unknown): string {
  if (typeof applied !== 'object' || applied === null) return 'settings updated'
  const parts = Object.entries(applied as Record<string, unknown>).map(([k, v]) =>
    typeof v === 'object' && v !== null
      ? Object.entries(v)
          .map(([k2, v2]) => `${k2} = ${String(v2)}`)
          .join(', ')
      : `${k} = ${String(v)}`,
  )
  return parts.join(', ') || 'settings updated'
}
