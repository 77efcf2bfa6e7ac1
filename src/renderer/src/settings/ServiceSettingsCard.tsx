import { useEffect, useState, type FormEvent } from 'react'
import type { Settings, SettingsPatch } from '@shared/contract/settings'
import { useSettings } from '../api/use-settings'
import { ErrorBanner } from '../components/ErrorBanner'

interface Draft {
  port: string
  bindHost: string
  wsPort: string
  allowAnonymousLoopback: boolean
  /** In KiB (the setting is bytes). */
  maxPacketKiB: string
  retentionDays: string
  minuteRetentionDays: string
  hourRetentionDays: string
  prefix: string
  offlineAfterS: string
}

function toDraft(s: Settings): Draft {
  return {
    port: String(s.broker.port),
    bindHost: s.broker.bindHost,
    wsPort: s.broker.wsPort === null ? '' : String(s.broker.wsPort),
    allowAnonymousLoopback: s.broker.allowAnonymousLoopback,
    maxPacketKiB: String(s.broker.maxPacketBytes / 1024),
    retentionDays: String(s.storage.retentionDays),
    minuteRetentionDays: String(s.storage.minuteRetentionDays),
    hourRetentionDays: String(s.storage.hourRetentionDays),
    prefix: s.devices.prefix,
    offlineAfterS: String(s.devices.offlineAfterS),
  }
}

/** Blank stays blank for the server to refuse with a field-level message; no silent defaults. */
const int = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text))

function toPatch(d: Draft): SettingsPatch {
  return {
    broker: {
      port: int(d.port),
      bindHost: d.bindHost.trim(),
      wsPort: d.wsPort.trim() === '' ? null : int(d.wsPort),
      allowAnonymousLoopback: d.allowAnonymousLoopback,
      maxPacketBytes: Math.round(int(d.maxPacketKiB) * 1024),
    },
    storage: {
      retentionDays: int(d.retentionDays),
      minuteRetentionDays: int(d.minuteRetentionDays),
      hourRetentionDays: int(d.hourRetentionDays),
    },
    devices: { prefix: d.prefix.trim(), offlineAfterS: int(d.offlineAfterS) },
  }
}

/** Built-in broker listeners, data retention and device conventions: the app-wide knobs. */
export function ServiceSettingsCard() {
  const { settings, update } = useSettings()
  const [draft, setDraft] = useState<Draft>()
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState(false)
  useEffect(() => {
    if (settings && !draft) setDraft(toDraft(settings))
  }, [settings, draft])
  if (!draft) return null
  const set = (patch: Partial<Draft>): void => {
    setSaved(false)
    setDraft({ ...draft, ...patch })
  }
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault()
    setError(undefined)
    try {
      setDraft(toDraft(await update(toPatch(draft))))
      setSaved(true)
    } catch (err) {
      setError(err)
    }
  }

  return (
    <form className="card form-grid" aria-label="Broker and data" onSubmit={(e) => void submit(e)}>
      <h2>Broker and data</h2>
      {error !== undefined && (
        <div className="form-grid__full">
          <ErrorBanner error={error} />
        </div>
      )}
      <label htmlFor="svc-port">MQTT port</label>
      <input
        id="svc-port"
        inputMode="numeric"
        value={draft.port}
        onChange={(e) => set({ port: e.target.value })}
      />
      <label htmlFor="svc-bind">Listen on</label>
      <input
        id="svc-bind"
        value={draft.bindHost}
        onChange={(e) => set({ bindHost: e.target.value })}
        aria-describedby="svc-bind-help"
      />
      <p id="svc-bind-help" className="muted form-grid__full">
        0.0.0.0 lets devices on your network connect; 127.0.0.1 keeps the broker to this computer.
      </p>
      <label htmlFor="svc-ws">WebSocket port</label>
      <input
        id="svc-ws"
        inputMode="numeric"
        placeholder="off"
        value={draft.wsPort}
        onChange={(e) => set({ wsPort: e.target.value })}
      />
      <span>Local tools</span>
      <label>
        <input
          type="checkbox"
          checked={draft.allowAnonymousLoopback}
          onChange={(e) => set({ allowAnonymousLoopback: e.target.checked })}
        />{' '}
        allow mosquitto_sub and friends on this computer without a password
      </label>
      <label htmlFor="svc-max-packet">Largest MQTT packet</label>
      <span className="input-suffix">
        <input
          id="svc-max-packet"
          inputMode="numeric"
          value={draft.maxPacketKiB}
          onChange={(e) => set({ maxPacketKiB: e.target.value })}
          aria-describedby="svc-max-packet-help"
        />
        <span>KiB</span>
      </span>
      <p id="svc-max-packet-help" className="muted form-grid__full">
        A client sending a bigger packet is disconnected (64 KiB before it has logged in). Telemetry
        is well under 1 KiB; raise it only for devices that send large payloads.
      </p>
      <label htmlFor="svc-retention">Keep readings for</label>
      <span className="input-suffix">
        <input
          id="svc-retention"
          inputMode="numeric"
          value={draft.retentionDays}
          onChange={(e) => set({ retentionDays: e.target.value })}
          aria-describedby="svc-retention-help"
        />
        <span>days</span>
      </span>
      <label htmlFor="svc-retention-minute">Keep per-minute summaries for</label>
      <span className="input-suffix">
        <input
          id="svc-retention-minute"
          inputMode="numeric"
          value={draft.minuteRetentionDays}
          onChange={(e) => set({ minuteRetentionDays: e.target.value })}
          aria-describedby="svc-retention-help"
        />
        <span>days</span>
      </span>
      <label htmlFor="svc-retention-hour">Keep per-hour summaries for</label>
      <span className="input-suffix">
        <input
          id="svc-retention-hour"
          inputMode="numeric"
          value={draft.hourRetentionDays}
          onChange={(e) => set({ hourRetentionDays: e.target.value })}
          aria-describedby="svc-retention-help"
        />
        <span>days</span>
      </span>
      <p id="svc-retention-help" className="muted form-grid__full">
        Every reading is kept for export and short charts; longer charts are drawn from min/avg/max
        summaries, which take far less space and can be kept for years.
      </p>
      <label htmlFor="svc-prefix">Topic prefix</label>
      <input
        id="svc-prefix"
        value={draft.prefix}
        onChange={(e) => set({ prefix: e.target.value })}
      />
      <label htmlFor="svc-offline">Offline after</label>
      <span className="input-suffix">
        <input
          id="svc-offline"
          inputMode="numeric"
          value={draft.offlineAfterS}
          onChange={(e) => set({ offlineAfterS: e.target.value })}
        />
        <span>s without a message (devices without a Last Will)</span>
      </span>
      <div className="form-actions form-grid__full">
        <button type="submit" className="primary">
          Save
        </button>
        {saved && (
          <span className="note-ok">Saved: the broker restarts with the new listeners.</span>
        )}
      </div>
    </form>
  )
}
