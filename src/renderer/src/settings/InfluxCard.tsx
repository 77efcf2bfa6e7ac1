import { useEffect, useState, type FormEvent } from 'react'
import type { InfluxConfigInput, InfluxConfigView } from '@shared/contract/integrations'
import { useApi } from '../api/api-context'
import { Age } from '../components/Age'
import { ErrorBanner } from '../components/ErrorBanner'
import { Segmented } from '../components/Segmented'
import { InfluxMappingView } from './InfluxMappingView'
import { useInfluxStatus } from './use-integrations'

type Draft = Omit<InfluxConfigView, 'batchSize' | 'flushIntervalS' | 'maxQueueMB'> & {
  batchSize: string
  flushIntervalS: string
  maxQueueMB: string
  password: string
  token: string
}

const toDraft = (v: InfluxConfigView): Draft => ({
  ...v,
  batchSize: String(v.batchSize),
  flushIntervalS: String(v.flushIntervalS),
  maxQueueMB: String(v.maxQueueMB),
  password: '',
  token: '',
})

const STATE_TEXT = {
  off: 'Off',
  idle: 'Waiting for readings',
  ok: 'Writing',
  retrying: 'InfluxDB unreachable — retrying',
}
const count = new Intl.NumberFormat()

/** Forward readings (and alert incidents) to InfluxDB 1.x or 2.x. */
export function InfluxCard({ config }: { config: InfluxConfigView }) {
  const api = useApi()
  const status = useInfluxStatus()
  const [draft, setDraft] = useState<Draft>(() => toDraft(config))
  const [error, setError] = useState<unknown>()
  const [note, setNote] = useState<{ ok: boolean; text: string }>()
  const [busy, setBusy] = useState(false)
  useEffect(() => setDraft(toDraft(config)), [config])
  const set = (patch: Partial<Draft>): void => setDraft((d) => ({ ...d, ...patch }))

  const save = async (e?: FormEvent): Promise<boolean> => {
    e?.preventDefault()
    setError(undefined)
    setNote(undefined)
    const { hasPassword: _p, hasToken: _t, password, token, ...rest } = draft
    const input: InfluxConfigInput = {
      ...rest,
      batchSize: Number(draft.batchSize),
      flushIntervalS: Number(draft.flushIntervalS),
      maxQueueMB: Number(draft.maxQueueMB),
      ...(password === '' ? {} : { password }),
      ...(token === '' ? {} : { token }),
    }
    try {
      await api.call('integrations.setInflux', input)
      setNote({ ok: true, text: 'Saved.' })
      return true
    } catch (err) {
      setError(err)
      return false
    }
  }
  const test = async (): Promise<void> => {
    setBusy(true)
    try {
      if (await save())
        setNote(
          await api
            .call('integrations.testInflux', {})
            .then((r) => ({ ok: r.ok, text: r.message })),
        )
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card" aria-label="InfluxDB forwarding">
      <form className="form-grid" onSubmit={(e) => void save(e)}>
        <h2>InfluxDB forwarding</h2>
        <p className="muted form-grid__full">
          Sends every reading (and alert) to your InfluxDB in batches. While InfluxDB is down,
          batches wait in a queue on disk and go out in order when it is back.
        </p>
        <div className="form-grid__full">
          <ErrorBanner error={error} />
        </div>
        <span>Forwarding</span>
        <label>
          <input
            type="checkbox"
            checked={draft.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />{' '}
          send readings to InfluxDB
        </label>
        <span>Version</span>
        <Segmented
          label="InfluxDB version"
          value={draft.version}
          options={[
            { value: '1', label: '1.x' },
            { value: '2', label: '2.x' },
          ]}
          onChange={(version) => set({ version })}
        />
        <label htmlFor="influx-url">URL</label>
        <input
          id="influx-url"
          type="url"
          value={draft.url}
          onChange={(e) => set({ url: e.target.value })}
        />
        {draft.version === '1' ? (
          <>
            <label htmlFor="influx-db">Database</label>
            <input
              id="influx-db"
              value={draft.database}
              onChange={(e) => set({ database: e.target.value })}
            />
            <label htmlFor="influx-rp">Retention policy</label>
            <input
              id="influx-rp"
              value={draft.retentionPolicy}
              placeholder="default"
              onChange={(e) => set({ retentionPolicy: e.target.value })}
            />
            <label htmlFor="influx-user">User name</label>
            <input
              id="influx-user"
              autoComplete="off"
              value={draft.username}
              placeholder="none"
              onChange={(e) => set({ username: e.target.value })}
            />
            <label htmlFor="influx-password">Password</label>
            <input
              id="influx-password"
              type="password"
              autoComplete="new-password"
              value={draft.password}
              placeholder={config.hasPassword ? 'stored — leave empty to keep' : 'none'}
              onChange={(e) => set({ password: e.target.value })}
            />
            <span>Create database</span>
            <label>
              <input
                type="checkbox"
                checked={draft.createDatabase}
                onChange={(e) => set({ createDatabase: e.target.checked })}
              />{' '}
              if it does not exist
            </label>
          </>
        ) : (
          <>
            <label htmlFor="influx-org">Organisation</label>
            <input
              id="influx-org"
              value={draft.org}
              onChange={(e) => set({ org: e.target.value })}
            />
            <label htmlFor="influx-bucket">Bucket</label>
            <input
              id="influx-bucket"
              value={draft.bucket}
              onChange={(e) => set({ bucket: e.target.value })}
            />
            <label htmlFor="influx-token">API token</label>
            <input
              id="influx-token"
              type="password"
              autoComplete="new-password"
              value={draft.token}
              placeholder={config.hasToken ? 'stored — leave empty to keep' : 'required'}
              onChange={(e) => set({ token: e.target.value })}
            />
          </>
        )}
        <label htmlFor="influx-measurement">Measurement</label>
        <input
          id="influx-measurement"
          value={draft.measurement}
          onChange={(e) => set({ measurement: e.target.value })}
        />
        <label htmlFor="influx-batch">Batch</label>
        <span className="input-suffix">
          <input
            id="influx-batch"
            inputMode="numeric"
            value={draft.batchSize}
            onChange={(e) => set({ batchSize: e.target.value })}
          />
          <span>lines, at least every</span>
          <input
            aria-label="Flush interval (seconds)"
            inputMode="decimal"
            value={draft.flushIntervalS}
            onChange={(e) => set({ flushIntervalS: e.target.value })}
          />
          <span>s</span>
        </span>
        <label htmlFor="influx-queue">Queue while down</label>
        <span className="input-suffix">
          <input
            id="influx-queue"
            inputMode="decimal"
            value={draft.maxQueueMB}
            onChange={(e) => set({ maxQueueMB: e.target.value })}
          />
          <span>MB at most (oldest dropped beyond)</span>
        </span>
        <div className="form-actions form-grid__full">
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" disabled={busy} onClick={() => void test()}>
            {busy ? 'Testing…' : 'Save and test connection'}
          </button>
          {note && <span className={note.ok ? 'note-ok' : 'note-error'}>{note.text}</span>}
        </div>
      </form>
      {status && (
        <dl className="info-list influx-status" aria-label="Forwarding status">
          <div>
            <dt>State</dt>
            <dd className={status.state === 'retrying' ? 'note-error' : undefined}>
              {STATE_TEXT[status.state]}
            </dd>
          </div>
          <div>
            <dt>Last write</dt>
            <dd>
              <Age ts={status.lastSuccessAt} />
            </dd>
          </div>
          <div>
            <dt>Sent / waiting</dt>
            <dd>
              {count.format(status.sent)} / {count.format(status.pending)} lines
            </dd>
          </div>
          <div>
            <dt>Dropped / refused</dt>
            <dd>
              {count.format(status.dropped)} / {count.format(status.rejected)}
            </dd>
          </div>
          {status.lastError && (
            <div className="form-grid__full">
              <dt>Last problem</dt>
              <dd className="note-error" title={status.lastError}>
                {status.lastError}
              </dd>
            </div>
          )}
        </dl>
      )}
      <InfluxMappingView />
    </section>
  )
}
