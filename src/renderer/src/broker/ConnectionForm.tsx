import { useState, type FormEvent } from 'react'
import { DEFAULT_SESSION_EXPIRY_S, type Connection } from '@shared/contract/connections'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { describeError } from '../lib/describe-error'

interface Fields {
  name: string
  url: string
  username: string
  password: string
  protocolVersion: 4 | 5
  /** MQTT 5 session expiry, in hours (the contract takes seconds). */
  sessionHours: string
  subscriptions: string
  ca: string
  rejectUnauthorized: boolean
}

/**
 * Add or edit an external broker (Mosquitto, EMQX, HiveMQ…). "Test" tries the settings
 * once and says why a connection fails. Secrets left empty when editing are kept.
 */
export function ConnectionForm({
  existing,
  onDone,
}: {
  existing?: Connection
  onDone: () => void
}) {
  const api = useApi()
  const [f, setF] = useState<Fields>({
    name: existing?.name ?? '',
    url: existing?.url ?? 'mqtt://',
    username: existing?.username ?? '',
    password: '',
    protocolVersion: existing?.protocolVersion ?? 4,
    sessionHours: String((existing?.sessionExpiryS ?? DEFAULT_SESSION_EXPIRY_S) / 3600),
    subscriptions: existing?.subscriptions.map((s) => s.topic).join(', ') ?? '#',
    ca: '',
    rejectUnauthorized: existing?.rejectUnauthorized ?? true,
  })
  const [error, setError] = useState<unknown>()
  const [test, setTest] = useState<{ ok: boolean; text: string }>()
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof Fields>(key: K, value: Fields[K]): void =>
    setF((old) => ({ ...old, [key]: value }))

  const input = () => ({
    name: f.name.trim(),
    url: f.url.trim(),
    username: f.username.trim() || undefined,
    password: f.password || undefined,
    protocolVersion: f.protocolVersion,
    sessionExpiryS: sessionSeconds(f.sessionHours),
    subscriptions: f.subscriptions
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((topic) => ({ topic, qos: 1 as const })),
    ca: f.ca.trim() || undefined,
    rejectUnauthorized: f.rejectUnauthorized,
  })

  const runTest = async (): Promise<void> => {
    setTest({ ok: true, text: 'Trying to connect…' })
    try {
      const result = await api.call('connections.test', input())
      setTest(
        result.ok
          ? { ok: true, text: `Connected in ${Math.round(result.latencyMs ?? 0)} ms.` }
          : { ok: false, text: result.error ?? 'The broker refused the connection.' },
      )
    } catch (err) {
      setTest({ ok: false, text: describeError(err) })
    }
  }

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const values = input()
      if (existing) {
        await api.call('connections.update', {
          id: existing.id,
          ...values,
          username: values.username ?? null,
          password: values.password,
          ca: values.ca,
        })
      } else {
        await api.call('connections.add', values)
      }
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="form-grid connection-form"
      onSubmit={(e) => void submit(e)}
      aria-label="Broker connection"
    >
      <label htmlFor="conn-name">Name</label>
      <input
        id="conn-name"
        required
        value={f.name}
        placeholder="e.g. Home Mosquitto"
        onChange={(e) => set('name', e.target.value)}
      />
      <label htmlFor="conn-url">Address</label>
      <input
        id="conn-url"
        required
        value={f.url}
        placeholder="mqtt://192.168.1.10:1883"
        onChange={(e) => set('url', e.target.value)}
      />
      <label htmlFor="conn-user">User name</label>
      <input
        id="conn-user"
        value={f.username}
        autoComplete="off"
        onChange={(e) => set('username', e.target.value)}
      />
      <label htmlFor="conn-pass">Password</label>
      <input
        id="conn-pass"
        type="password"
        value={f.password}
        autoComplete="new-password"
        placeholder={existing?.hasPassword ? 'unchanged' : ''}
        onChange={(e) => set('password', e.target.value)}
      />
      <label htmlFor="conn-proto">Protocol</label>
      <select
        id="conn-proto"
        value={f.protocolVersion}
        onChange={(e) => set('protocolVersion', Number(e.target.value) === 5 ? 5 : 4)}
      >
        <option value={4}>MQTT 3.1.1</option>
        <option value={5}>MQTT 5.0</option>
      </select>
      {f.protocolVersion === 5 && (
        <>
          <label htmlFor="conn-session">Keep session for</label>
          <span className="input-suffix">
            <input
              id="conn-session"
              type="number"
              min={0}
              step="any"
              value={f.sessionHours}
              aria-describedby="conn-session-hint"
              onChange={(e) => set('sessionHours', e.target.value)}
            />
            <span>hours</span>
          </span>
          <p id="conn-session-hint" className="hint form-grid__full">
            How long the broker keeps messages sent while this app is closed (MQTT 5 drops them at
            once unless told). 0 = don't keep them.
          </p>
        </>
      )}
      <label htmlFor="conn-subs">Subscribe to</label>
      <input
        id="conn-subs"
        value={f.subscriptions}
        onChange={(e) => set('subscriptions', e.target.value)}
        aria-describedby="conn-subs-hint"
      />
      <span />
      <span id="conn-subs-hint" className="hint">
        Topic filters, comma-separated; “#” reads everything.
      </span>
      <label htmlFor="conn-ca">CA certificate</label>
      <textarea
        id="conn-ca"
        rows={3}
        value={f.ca}
        placeholder={
          existing?.hasCa
            ? 'unchanged (paste a new PEM to replace it)'
            : 'only for mqtts:// with a self-signed certificate: paste the PEM'
        }
        onChange={(e) => set('ca', e.target.value)}
      />
      <span />
      <label className="check">
        <input
          type="checkbox"
          checked={f.rejectUnauthorized}
          onChange={(e) => set('rejectUnauthorized', e.target.checked)}
        />
        Verify the broker’s certificate (turn off only for testing)
      </label>
      <div className="form-grid__full">
        <ErrorBanner error={error} />
      </div>
      <div className="form-actions form-grid__full">
        <button type="submit" className="primary" disabled={busy}>
          {existing ? 'Save' : 'Add connection'}
        </button>
        <button type="button" onClick={() => void runTest()}>
          Test
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {test && (
          <span className={test.ok ? 'note-ok' : 'note-error'} role={test.ok ? 'status' : 'alert'}>
            {test.text}
          </span>
        )}
      </div>
    </form>
  )
}

/** Hours typed by a person → whole seconds within what MQTT 5 allows (a bad entry → the default). */
function sessionSeconds(hours: string): number {
  const value = Number(hours)
  if (hours.trim() === '' || !Number.isFinite(value) || value < 0) return DEFAULT_SESSION_EXPIRY_S
  return Math.min(0xffffffff, Math.round(value * 3600))
}
