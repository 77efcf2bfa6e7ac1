import { useState, type FormEvent } from 'react'
import type { Device } from '@shared/contract/devices'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { useLiveStore } from '../store/store-context'

/** Name and location are the app's own notes about a device: saved in the core, no command needed. */
export function NamePlaceForm({ device }: { device: Device }) {
  const api = useApi()
  const store = useLiveStore()
  const [name, setName] = useState(device.customName ?? '')
  const [location, setLocation] = useState(device.location)
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState(false)
  const [busy, setBusy] = useState(false)
  const dirty = name.trim() !== (device.customName ?? '') || location.trim() !== device.location

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    setSaved(false)
    try {
      if (name.trim() !== (device.customName ?? ''))
        store.applyDevice(await api.call('devices.rename', { id: device.id, name }))
      if (location.trim() !== device.location)
        store.applyDevice(await api.call('devices.update', { id: device.id, location }))
      setSaved(true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form
      className="form-grid form-grid--compact"
      onSubmit={(e) => void submit(e)}
      aria-label="Name and location"
    >
      <label htmlFor="device-name">Name</label>
      <input
        id="device-name"
        value={name}
        maxLength={64}
        placeholder={device.reportedName ?? device.id}
        onChange={(e) => {
          setName(e.target.value)
          setSaved(false)
        }}
      />
      <label htmlFor="device-location">Location</label>
      <input
        id="device-location"
        value={location}
        maxLength={100}
        placeholder="e.g. Living room"
        onChange={(e) => {
          setLocation(e.target.value)
          setSaved(false)
        }}
      />
      <span />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={!dirty || busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        {saved && !dirty && (
          <span className="note-ok" role="status">
            Saved
          </span>
        )}
      </div>
      {error !== undefined && (
        <div className="form-grid__full">
          <ErrorBanner error={error} />
        </div>
      )}
    </form>
  )
}
