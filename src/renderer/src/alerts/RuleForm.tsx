import { useMemo, useState, type FormEvent } from 'react'
import type { AlertRule } from '@shared/contract/alerts'
import { sortMetrics } from '@shared/metrics'
import type { Device } from '@shared/contract/devices'
import { useApi } from '../api/api-context'
import { useSettings } from '../api/use-settings'
import { ErrorBanner } from '../components/ErrorBanner'
import type { TempUnit } from '../lib/units'
import { ConditionFields } from './ConditionFields'
import { draftFrom, draftToInput, newDraft, type RuleDraft } from './rule-draft'
import { knownKinds } from './rule-summary'
import { MqttTargetSelect } from '../settings/MqttTargetSelect'

/** Create or edit one rule. `rule` undefined = a new rule. */
export function RuleForm({
  rule,
  devices,
  unit,
  onDone,
}: {
  rule?: AlertRule
  devices: Device[]
  unit: TempUnit
  onDone: () => void
}) {
  const api = useApi()
  const { settings } = useSettings()
  const [draft, setDraft] = useState<RuleDraft>(() =>
    rule ? draftFrom(rule, unit) : newDraft(unit),
  )
  const [error, setError] = useState<unknown>()
  const [saving, setSaving] = useState(false)
  const set = (patch: Partial<RuleDraft>): void => setDraft((d) => ({ ...d, ...patch }))
  const kinds = useMemo(() => knownKinds(devices), [devices])
  const metrics = useMemo(() => {
    const all = ['temperature', 'humidity']
    for (const d of devices) all.push(...Object.keys(d.latest))
    return sortMetrics(all)
  }, [devices])
  const prefix = settings?.devices.prefix ?? 'iot'

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setError(undefined)
    setSaving(true)
    try {
      const input = draftToInput(draft, unit)
      if (rule) await api.call('alerts.updateRule', { id: rule.id, ...input })
      else await api.call('alerts.createRule', input)
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setSaving(false)
    }
  }

  return (
    <form
      className="card form-grid rule-form"
      onSubmit={(e) => void submit(e)}
      aria-label={rule ? `Edit ${rule.name}` : 'New rule'}
    >
      <h2>{rule ? `Edit “${rule.name}”` : 'New alert rule'}</h2>
      {error !== undefined && (
        <div className="form-grid__full">
          <ErrorBanner error={error} />
        </div>
      )}
      <label htmlFor="rule-name">Name</label>
      <input
        id="rule-name"
        required
        maxLength={80}
        value={draft.name}
        onChange={(e) => set({ name: e.target.value })}
        placeholder="e.g. Greenhouse too hot"
      />

      <label htmlFor="rule-target">Watch</label>
      <span className="input-suffix">
        <select
          id="rule-target"
          value={draft.targetType}
          onChange={(e) => set({ targetType: e.target.value as RuleDraft['targetType'] })}
        >
          <option value="all">all devices</option>
          <option value="device">one device</option>
          <option value="kind">all devices of a kind</option>
        </select>
        {draft.targetType === 'device' && (
          <select
            aria-label="Device"
            required
            value={draft.deviceId}
            onChange={(e) => set({ deviceId: e.target.value })}
          >
            <option value="">Choose…</option>
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        )}
        {draft.targetType === 'kind' && (
          <>
            <input
              aria-label="Kind (format or sensor model)"
              list="rule-kinds"
              required
              value={draft.kind}
              onChange={(e) => set({ kind: e.target.value })}
              placeholder="DHT22"
            />
            <datalist id="rule-kinds">
              {kinds.map((k) => (
                <option key={k} value={k} />
              ))}
            </datalist>
          </>
        )}
      </span>

      <ConditionFields draft={draft} set={set} unit={unit} metrics={metrics} />

      <span>Quiet hours</span>
      <span className="rule-form__quiet">
        <label>
          <input
            type="checkbox"
            checked={draft.quiet}
            onChange={(e) => set({ quiet: e.target.checked })}
          />{' '}
          no notifications from
        </label>
        <input
          type="time"
          aria-label="Quiet from"
          value={draft.quietStart}
          disabled={!draft.quiet}
          onChange={(e) => set({ quietStart: e.target.value })}
        />
        <span>to</span>
        <input
          type="time"
          aria-label="Quiet until"
          value={draft.quietEnd}
          disabled={!draft.quiet}
          onChange={(e) => set({ quietEnd: e.target.value })}
        />
        <span className="muted-inline">(still logged)</span>
      </span>

      <span>Tell me by</span>
      <span className="rule-form__channels">
        <label>
          <input
            type="checkbox"
            checked={draft.notify}
            onChange={(e) => set({ notify: e.target.checked })}
          />{' '}
          desktop / browser notification
        </label>
        <label>
          <input
            type="checkbox"
            checked={draft.mqtt}
            onChange={(e) => set({ mqtt: e.target.checked })}
          />{' '}
          MQTT (retained state on{' '}
          <code>
            {prefix}/alerts/{rule?.id ?? '<rule id>'}
          </code>
          )
        </label>
        {draft.mqtt && (
          <span className="rule-form__sub">
            <label htmlFor="rule-mqtt-connection">via </label>
            <MqttTargetSelect id="rule-mqtt-connection" />
          </span>
        )}
        <label>
          <input
            type="checkbox"
            checked={draft.webhook}
            onChange={(e) => set({ webhook: e.target.checked })}
          />{' '}
          webhook (JSON POST)
        </label>
      </span>
      {draft.webhook && (
        <>
          <label htmlFor="rule-webhook">Webhook URL</label>
          <input
            id="rule-webhook"
            type="url"
            required
            value={draft.webhookUrl}
            onChange={(e) => set({ webhookUrl: e.target.value })}
            placeholder="https://…"
          />
          <label htmlFor="rule-token">Bearer token</label>
          <span className="input-suffix">
            <input
              id="rule-token"
              type="password"
              autoComplete="off"
              value={draft.webhookToken}
              disabled={draft.removeToken}
              onChange={(e) => set({ webhookToken: e.target.value })}
              placeholder={draft.hasToken ? 'stored — leave empty to keep' : 'optional'}
            />
            {draft.hasToken && (
              <label>
                <input
                  type="checkbox"
                  checked={draft.removeToken}
                  onChange={(e) => set({ removeToken: e.target.checked })}
                />{' '}
                remove
              </label>
            )}
          </span>
        </>
      )}
      <span>Enabled</span>
      <label>
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => set({ enabled: e.target.checked })}
        />{' '}
        evaluate this rule
      </label>
      <div className="form-actions form-grid__full">
        <button type="submit" className="primary" disabled={saving}>
          {rule ? 'Save changes' : 'Create rule'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  )
}
