import { useState } from 'react'
import type { Connection } from '@shared/contract/connections'
import { useApi } from '../api/api-context'
import { Age } from '../components/Age'
import { ErrorBanner } from '../components/ErrorBanner'
import { ConnectionForm } from './ConnectionForm'

const STATUS_TEXT: Record<Connection['state']['status'], string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting',
  disabled: 'Off',
}

/** One broker connection: state, last error in words, and its controls. */
export function ConnectionRow({
  connection,
  onRemoved,
}: {
  connection: Connection
  onRemoved: () => void
}) {
  const api = useApi()
  const [editing, setEditing] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<unknown>()
  const { state } = connection

  const run = async (action: () => Promise<unknown>): Promise<void> => {
    setError(undefined)
    try {
      await action()
    } catch (err) {
      setError(err)
    }
  }

  if (editing) return <ConnectionForm existing={connection} onDone={() => setEditing(false)} />
  return (
    <li className="connection" data-connection-id={connection.id}>
      <div className="connection__main">
        <span className={`pill pill--${state.status}`} data-testid="connection-status">
          {STATUS_TEXT[state.status]}
        </span>
        <div className="connection__text">
          <strong>{connection.builtIn ? 'Built-in broker' : connection.name}</strong>
          <code>{connection.url}</code>
        </div>
        <span className="spacer" />
        {!connection.builtIn && (
          <span className="connection__actions">
            <button
              type="button"
              className="small"
              onClick={() =>
                void run(() =>
                  api.call('connections.update', {
                    id: connection.id,
                    enabled: !connection.enabled,
                  }),
                )
              }
            >
              {connection.enabled ? 'Turn off' : 'Turn on'}
            </button>
            <button type="button" className="small" onClick={() => setEditing(true)}>
              Edit
            </button>
            {confirming ? (
              <>
                <button
                  type="button"
                  className="small danger"
                  onClick={() =>
                    void run(() =>
                      api.call('connections.remove', { id: connection.id }).then(onRemoved),
                    )
                  }
                >
                  Remove now
                </button>
                <button type="button" className="small" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" className="small" onClick={() => setConfirming(true)}>
                Remove…
              </button>
            )}
          </span>
        )}
      </div>
      {state.status === 'connected' && state.connectedAt && (
        <p className="connection__detail">
          Connected <Age ts={state.connectedAt} />
        </p>
      )}
      {state.lastError && state.status !== 'connected' && (
        <p className="connection__detail connection__error" role="status">
          {state.lastError}
          {state.lastErrorAt && (
            <>
              {' '}
              (<Age ts={state.lastErrorAt} />
              {state.attempts > 0 ? `, ${state.attempts} attempts` : ''})
            </>
          )}
        </p>
      )}
      <ErrorBanner error={error} />
    </li>
  )
}
