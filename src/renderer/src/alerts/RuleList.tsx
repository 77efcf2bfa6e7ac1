import { useState } from 'react'
import type { AlertRule } from '@shared/contract/alerts'
import type { Device } from '@shared/contract/devices'
import { useApi } from '../api/api-context'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import type { TempUnit } from '../lib/units'
import { ruleSummary } from './rule-summary'

type TestResult = { channel: string; ok: boolean; detail: string }

/** The rules with enable switches, channels, and edit / test / delete. */
export function RuleList({
  rules,
  devices,
  unit,
  onEdit,
}: {
  rules: AlertRule[]
  devices: Device[]
  unit: TempUnit
  onEdit: (rule: AlertRule) => void
}) {
  const api = useApi()
  const [error, setError] = useState<unknown>()
  const [tests, setTests] = useState<Record<string, TestResult[] | 'running'>>({})

  const run = (fn: () => Promise<unknown>): void => {
    setError(undefined)
    fn().catch(setError)
  }
  const test = async (rule: AlertRule): Promise<void> => {
    setTests((t) => ({ ...t, [rule.id]: 'running' }))
    try {
      const results = await api.call('alerts.test', { id: rule.id })
      setTests((t) => ({ ...t, [rule.id]: results }))
    } catch (e) {
      setTests((t) => ({ ...t, [rule.id]: [] }))
      setError(e)
    }
  }

  if (rules.length === 0) {
    return (
      <EmptyState title="No alert rules yet" icon="⚠">
        <p>
          Create a rule such as “temperature above 28 °C for 5 minutes”, “device offline for 15
          minutes” or “no data for 30 minutes”.
        </p>
      </EmptyState>
    )
  }
  return (
    <section aria-label="Alert rules">
      <ErrorBanner error={error} />
      <ul className="rule-list">
        {rules.map((rule) => {
          const result = tests[rule.id]
          const hasChannels = rule.actions.mqtt || rule.actions.webhook !== null
          return (
            <li key={rule.id} className={`card rule-card${rule.enabled ? '' : ' rule-card--off'}`}>
              <div className="rule-card__head">
                <label className="rule-card__toggle">
                  <input
                    type="checkbox"
                    checked={rule.enabled}
                    aria-label={`Enable ${rule.name}`}
                    onChange={(e) =>
                      run(() =>
                        api.call('alerts.updateRule', { id: rule.id, enabled: e.target.checked }),
                      )
                    }
                  />
                  <strong>{rule.name}</strong>
                </label>
                <span className="rule-card__channels">
                  {rule.actions.notify && <span className="badge">notification</span>}
                  {rule.actions.mqtt && <span className="badge">MQTT</span>}
                  {rule.actions.webhook && <span className="badge">webhook</span>}
                </span>
                <span className="spacer" />
                <button type="button" className="small" onClick={() => onEdit(rule)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="small"
                  disabled={!hasChannels || result === 'running'}
                  onClick={() => void test(rule)}
                  title={
                    hasChannels
                      ? 'Send a test message through MQTT / webhook'
                      : 'This rule has no MQTT or webhook channel'
                  }
                >
                  Test
                </button>
                <button
                  type="button"
                  className="small danger-outline"
                  onClick={() => {
                    if (window.confirm(`Delete the rule “${rule.name}”? Its log entries stay.`)) {
                      run(() => api.call('alerts.deleteRule', { id: rule.id }))
                    }
                  }}
                >
                  Delete
                </button>
              </div>
              <p className="muted rule-card__summary">{ruleSummary(rule, devices, unit)}</p>
              {Array.isArray(result) && result.length > 0 && (
                <ul className="rule-card__tests">
                  {result.map((r) => (
                    <li key={r.channel} className={r.ok ? 'note-ok' : 'note-error'}>
                      {r.channel}: {r.ok ? '✓' : '✗'} {r.detail}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
