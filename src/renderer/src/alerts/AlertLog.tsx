import { useState } from 'react'
import type { AlertRule } from '@shared/contract/alerts'
import type { Device } from '@shared/contract/devices'
import { useApi } from '../api/api-context'
import { Age } from '../components/Age'
import { EmptyState } from '../components/EmptyState'
import { ErrorBanner } from '../components/ErrorBanner'
import { Segmented } from '../components/Segmented'
import { formatDateTime } from '../lib/time'
import { useAlertLog, type LogFilter } from './use-alert-log'

const STATUS = [
  { value: 'active', label: 'Active' },
  { value: 'all', label: 'All' },
  { value: 'cleared', label: 'Cleared' },
] as const

/** The alert log: filterable by state, rule and device; incidents can be acknowledged. */
export function AlertLog({ rules, devices }: { rules: AlertRule[]; devices: Device[] }) {
  const api = useApi()
  const [filter, setFilter] = useState<LogFilter>({ status: 'all' })
  const log = useAlertLog(filter)
  const [actionError, setActionError] = useState<unknown>()
  const set = (patch: Partial<LogFilter>): void => setFilter((f) => ({ ...f, ...patch }))

  const acknowledge = (params: { ids: number[] } | { all: true }): void => {
    setActionError(undefined)
    api.call('alerts.acknowledge', params).catch(setActionError)
  }
  const unacknowledged = log.entries.some((e) => e.acknowledgedAt === null)

  return (
    <section aria-label="Alert log">
      <div className="toolbar">
        <Segmented
          label="Show"
          value={filter.status ?? 'all'}
          options={STATUS}
          onChange={(status) => set({ status })}
        />
        <label className="toolbar__field">
          Rule{' '}
          <select
            value={filter.ruleId ?? ''}
            onChange={(e) => set({ ruleId: e.target.value || undefined })}
          >
            <option value="">Any</option>
            {rules.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar__field">
          Device{' '}
          <select
            value={filter.deviceId ?? ''}
            onChange={(e) => set({ deviceId: e.target.value || undefined })}
          >
            <option value="">Any</option>
            {devices.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label className="toolbar__check">
          <input
            type="checkbox"
            checked={filter.acknowledged === false}
            onChange={(e) => set({ acknowledged: e.target.checked ? false : undefined })}
          />{' '}
          Unacknowledged only
        </label>
        <span className="spacer" />
        <span className="toolbar__count">
          {log.total} {log.total === 1 ? 'incident' : 'incidents'}
        </span>
        <button type="button" disabled={!unacknowledged} onClick={() => acknowledge({ all: true })}>
          Acknowledge all
        </button>
      </div>
      <ErrorBanner error={log.error ?? actionError} onRetry={log.reload} />
      {!log.loading && log.entries.length === 0 ? (
        <EmptyState title="Nothing in the log" icon="✓">
          <p>When a rule fires or clears, it is recorded here.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="device-table alert-log">
            <colgroup>
              <col style={{ width: 120 }} />
              <col style={{ width: 160 }} />
              <col style={{ width: 160 }} />
              <col />
              <col style={{ width: 110 }} />
              <col style={{ width: 110 }} />
              <col style={{ width: 140 }} />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Rule</th>
                <th scope="col">Device</th>
                <th scope="col">What happened</th>
                <th scope="col">Fired</th>
                <th scope="col">Cleared</th>
                <th scope="col">
                  <span className="sr-only">Acknowledge</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.entries.map((e) => (
                <tr key={e.id} className={e.clearedAt === null ? 'alert-log__active' : undefined}>
                  <td>
                    <span
                      className={`alert-state alert-state--${e.clearedAt === null ? 'active' : 'cleared'}`}
                    >
                      {e.clearedAt === null ? 'Active' : 'Cleared'}
                    </span>
                    {e.quiet && (
                      <span className="badge" title="Fired during quiet hours: nobody was notified">
                        quiet
                      </span>
                    )}
                  </td>
                  <td>{e.ruleName}</td>
                  <td>{e.deviceName}</td>
                  <td className="alert-log__message">{e.message}</td>
                  <td title={formatDateTime(e.firedAt)}>
                    <Age ts={e.firedAt} />
                  </td>
                  <td>{e.clearedAt === null ? '–' : <Age ts={e.clearedAt} />}</td>
                  <td>
                    {e.acknowledgedAt === null ? (
                      <button
                        type="button"
                        className="small"
                        onClick={() => acknowledge({ ids: [e.id] })}
                      >
                        Acknowledge
                      </button>
                    ) : (
                      <span className="muted-inline" title={formatDateTime(e.acknowledgedAt)}>
                        Acknowledged
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.entries.length < log.total && (
        <div className="form-actions">
          <button type="button" onClick={log.more} disabled={log.loading}>
            Load older incidents
          </button>
        </div>
      )}
    </section>
  )
}
