import { useState } from 'react'
import type { AlertRule } from '@shared/contract/alerts'
import { useShell } from '../api/api-context'
import { AlertLog } from '../alerts/AlertLog'
import { useNotificationPermission } from '../alerts/browser-notifications'
import { RuleForm } from '../alerts/RuleForm'
import { RuleList } from '../alerts/RuleList'
import { useRules } from '../alerts/use-rules'
import { WebhookStatusLine } from '../alerts/WebhookStatusLine'
import { useUnits } from '../app/units-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { ScreenHeader } from '../components/ScreenHeader'
import { useDeviceList } from '../store/use-device-list'
import '../alerts/alerts.css'

type Tab = 'log' | 'rules'
type Editing = { rule?: AlertRule } | null

/** Web mode: browsers want a click before they may show notifications. */
function NotificationButton() {
  const { state, request } = useNotificationPermission()
  if (state === 'unsupported') return null
  if (state === 'granted') return <span className="note-ok">Browser notifications on</span>
  if (state === 'denied') {
    return (
      <span className="muted-inline">
        Notifications are blocked for this page in the browser’s site settings
      </span>
    )
  }
  return (
    <button type="button" onClick={() => void request()}>
      Enable browser notifications
    </button>
  )
}

export function AlertsScreen() {
  const shell = useShell()
  const unit = useUnits()
  const { devices } = useDeviceList()
  const { rules, error, reload } = useRules()
  const [tab, setTab] = useState<Tab>('log')
  const [editing, setEditing] = useState<Editing>(null)

  const edit = (next: Editing): void => {
    setEditing(next)
    setTab('rules')
  }

  return (
    <>
      <ScreenHeader
        title="Alerts"
        subtitle="Rules that watch your readings, and a log of when they fired and cleared."
        actions={
          <>
            {shell === 'web' && <NotificationButton />}
            <button type="button" className="primary" onClick={() => edit({})}>
              New rule
            </button>
          </>
        }
      />
      <ErrorBanner error={error} onRetry={reload} />
      <WebhookStatusLine />
      <div className="tabs" role="tablist" aria-label="Alerts">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'log'}
          onClick={() => setTab('log')}
        >
          Log
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'rules'}
          onClick={() => setTab('rules')}
        >
          Rules{rules ? ` (${rules.length})` : ''}
        </button>
      </div>
      {tab === 'log' && <AlertLog rules={rules ?? []} devices={devices} />}
      {tab === 'rules' && (
        <>
          {editing && (
            <RuleForm
              key={editing.rule?.id ?? 'new'}
              rule={editing.rule}
              devices={devices}
              unit={unit}
              onDone={() => setEditing(null)}
            />
          )}
          {rules && (
            <RuleList
              rules={rules}
              devices={devices}
              unit={unit}
              onEdit={(rule) => setEditing({ rule })}
            />
          )}
        </>
      )}
    </>
  )
}
