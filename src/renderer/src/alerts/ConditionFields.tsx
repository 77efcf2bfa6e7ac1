import type { AlertConditionType } from '@shared/contract/alerts'
import { displayUnit, metricLabel, type TempUnit } from '../lib/units'
import type { RuleDraft } from './rule-draft'

const TYPES: { value: AlertConditionType; label: string }[] = [
  { value: 'threshold', label: 'Value above / below a limit' },
  { value: 'rate', label: 'Rate of change' },
  { value: 'offline', label: 'Device offline' },
  { value: 'stale', label: 'No data (stale sensor)' },
  { value: 'sensorError', label: 'Sensor error reported' },
]

/** The condition part of the rule editor; fields depend on the condition type. */
export function ConditionFields({
  draft,
  set,
  unit,
  metrics,
}: {
  draft: RuleDraft
  set: (patch: Partial<RuleDraft>) => void
  unit: TempUnit
  metrics: string[]
}) {
  const u = displayUnit(draft.metric, unit)
  const level = draft.type === 'threshold' || draft.type === 'rate'
  return (
    <>
      <label htmlFor="rule-type">Condition</label>
      <select
        id="rule-type"
        value={draft.type}
        onChange={(e) => set({ type: e.target.value as AlertConditionType })}
      >
        {TYPES.map((t) => (
          <option key={t.value} value={t.value}>
            {t.label}
          </option>
        ))}
      </select>
      {level && (
        <>
          <label htmlFor="rule-metric">Measurement</label>
          <select
            id="rule-metric"
            value={draft.metric}
            onChange={(e) => set({ metric: e.target.value })}
          >
            {metrics.map((m) => (
              <option key={m} value={m}>
                {metricLabel(m)}
              </option>
            ))}
          </select>
        </>
      )}
      {draft.type === 'threshold' && (
        <>
          <label htmlFor="rule-value">Fires when</label>
          <span className="input-suffix">
            <select
              aria-label="Direction"
              value={draft.direction}
              onChange={(e) => set({ direction: e.target.value as RuleDraft['direction'] })}
            >
              <option value="above">above</option>
              <option value="below">below</option>
            </select>
            <input
              id="rule-value"
              inputMode="decimal"
              value={draft.value}
              onChange={(e) => set({ value: e.target.value })}
            />
            <span>{u}</span>
          </span>
        </>
      )}
      {draft.type === 'rate' && (
        <>
          <label htmlFor="rule-rate">Fires when</label>
          <span className="input-suffix">
            <select
              aria-label="Direction"
              value={draft.rateDirection}
              onChange={(e) => set({ rateDirection: e.target.value as RuleDraft['rateDirection'] })}
            >
              <option value="rising">rising</option>
              <option value="falling">falling</option>
              <option value="either">rising or falling</option>
            </select>
            <input
              id="rule-rate"
              inputMode="decimal"
              value={draft.perTenMin}
              onChange={(e) => set({ perTenMin: e.target.value })}
            />
            <span>{u} per 10 min</span>
          </span>
        </>
      )}
      {level && (
        <>
          <label htmlFor="rule-hysteresis">Hysteresis</label>
          <span className="input-suffix">
            <input
              id="rule-hysteresis"
              inputMode="decimal"
              value={draft.hysteresis}
              onChange={(e) => set({ hysteresis: e.target.value })}
              aria-describedby="rule-hysteresis-help"
            />
            <span>{u}</span>
          </span>
          <p id="rule-hysteresis-help" className="muted form-grid__full">
            Clears only once the value is this far back past the limit, so a reading hovering at the
            limit does not flap.
          </p>
          <label htmlFor="rule-for">For at least</label>
          <span className="input-suffix">
            <input
              id="rule-for"
              inputMode="decimal"
              value={draft.forMinutes}
              onChange={(e) => set({ forMinutes: e.target.value })}
            />
            <span>minutes (0 = at once)</span>
          </span>
        </>
      )}
      {(draft.type === 'offline' || draft.type === 'stale') && (
        <>
          <label htmlFor="rule-minutes">
            {draft.type === 'offline' ? 'Offline longer than' : 'No readings for'}
          </label>
          <span className="input-suffix">
            <input
              id="rule-minutes"
              inputMode="decimal"
              value={draft.minutes}
              onChange={(e) => set({ minutes: e.target.value })}
            />
            <span>minutes</span>
          </span>
        </>
      )}
      {draft.type === 'sensorError' && (
        <p className="muted form-grid__full">
          Fires when a device reports an error event (for example a DHT read failure) and clears
          with its next good reading.
        </p>
      )}
    </>
  )
}
