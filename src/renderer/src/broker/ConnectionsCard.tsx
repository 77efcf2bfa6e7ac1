import { useState } from 'react'
import { ErrorBanner } from '../components/ErrorBanner'
import { ConnectionForm } from './ConnectionForm'
import { ConnectionRow } from './ConnectionRow'
import { useConnections } from './use-connections'

/** The app's own MQTT client connections: the built-in broker and any external brokers. */
export function ConnectionsCard() {
  const { connections, error, reload } = useConnections()
  const [adding, setAdding] = useState(false)
  return (
    <section className="card" aria-labelledby="connections-title">
      <div className="card__head">
        <h2 id="connections-title">Broker connections</h2>
        <span className="spacer" />
        {!adding && (
          <button type="button" onClick={() => setAdding(true)}>
            + Add external broker
          </button>
        )}
      </div>
      <p className="hint">
        Devices that already publish to your own Mosquitto, EMQX or HiveMQ show up here too once the
        app reads from it.
      </p>
      <ErrorBanner error={error} onRetry={reload} />
      {adding && (
        <ConnectionForm
          onDone={() => {
            setAdding(false)
            reload()
          }}
        />
      )}
      <ul className="connection-list">
        {connections?.map((c) => (
          <ConnectionRow key={c.id} connection={c} onRemoved={reload} />
        ))}
      </ul>
    </section>
  )
}
