import { useMemo, useState } from 'react'
import type { Device } from '@shared/contract/devices'
import type { OtaJob } from '@shared/contract/ota'
import { useApi } from '../api/api-context'
import { StatusDot } from '../components/StatusDot'
import { describeError } from '../lib/describe-error'
import { isOutdated } from './use-ota'

export interface UpdateChooserProps {
  /** Boards running our firmware. */
  devices: Device[]
  version: string
  preselect?: string[]
  onStarted: (job: OtaJob) => void
  onClose: () => void
}

/** Step 1 of the Update dialog: which boards, canary or not, how many at once. */
export function UpdateChooser({
  devices,
  version,
  preselect,
  onStarted,
  onClose,
}: UpdateChooserProps) {
  const api = useApi()
  const outdated = useMemo(
    () => devices.filter((d) => isOutdated(d, version)).map((d) => d.id),
    [devices, version],
  )
  const [selected, setSelected] = useState<Set<string>>(() => new Set(preselect ?? outdated))
  const [staged, setStaged] = useState(true)
  const [parallel, setParallel] = useState(4)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const toggle = (id: string, on: boolean): void =>
    setSelected((old) => {
      const next = new Set(old)
      if (on) next.add(id)
      else next.delete(id)
      return next
    })
  const start = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      onStarted(await api.call('ota.start', { devices: [...selected], staged, parallel }))
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const count = selected.size

  return (
    <>
      <div className="ota-picks" role="group" aria-label="Select boards">
        <span className="muted-inline">Select:</span>
        <button type="button" className="link" onClick={() => setSelected(new Set(outdated))}>
          Not up to date ({outdated.length})
        </button>
        <button
          type="button"
          className="link"
          onClick={() => setSelected(new Set(devices.map((d) => d.id)))}
        >
          All ({devices.length})
        </button>
        <button type="button" className="link" onClick={() => setSelected(new Set())}>
          None
        </button>
      </div>
      <ul className="ota-list" aria-label="Boards">
        {devices.map((d) => (
          <li key={d.id} className="ota-row">
            <label>
              <input
                type="checkbox"
                checked={selected.has(d.id)}
                onChange={(e) => toggle(d.id, e.target.checked)}
              />
              <StatusDot online={d.online} />
              <span className="ota-row__name">
                {d.name} <span className="mono muted-inline">{d.id}</span>
              </span>
              <span className="ota-row__fw mono">
                {d.info.fw ?? '–'}
                {isOutdated(d, version) ? ` → ${version}` : d.info.fw === version ? ' ✓' : ''}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <div className="ota-options">
        <label className="toolbar__check">
          <input type="checkbox" checked={staged} onChange={(e) => setStaged(e.target.checked)} />
          One board first, the rest only if it succeeds
        </label>
        <label className="toolbar__field">
          <span>At once</span>
          <input
            type="number"
            min={1}
            max={32}
            value={parallel}
            onChange={(e) => setParallel(Math.min(32, Math.max(1, Number(e.target.value) || 1)))}
            aria-label="Boards receiving at once"
          />
        </label>
      </div>
      <p className="muted-inline ota-note">
        Offline boards get the update when they come back. Settings (reporting interval, thresholds)
        are kept.
      </p>
      {error && (
        <p className="banner banner--error" role="alert">
          {error}
        </p>
      )}
      <div className="ota-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="primary"
          disabled={count === 0 || busy}
          onClick={() => void start()}
        >
          {busy ? 'Starting…' : `Update ${count} board${count === 1 ? '' : 's'} to ${version}`}
        </button>
      </div>
    </>
  )
}
