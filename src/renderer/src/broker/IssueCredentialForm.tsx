import { useState, type FormEvent } from 'react'
import type { IssuedCredential } from '@shared/contract/broker'
import { useApi } from '../api/api-context'
import { CopyField } from '../components/CopyField'
import { ErrorBanner } from '../components/ErrorBanner'

/**
 * Creates (or replaces) a device's broker account and shows the password once, with copy
 * buttons: the app never shows it again.
 */
export function IssueCredentialForm({
  onIssued,
}: {
  onIssued?: (credential: IssuedCredential) => void
}) {
  const api = useApi()
  const [deviceId, setDeviceId] = useState('')
  const [issued, setIssued] = useState<IssuedCredential>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const valid = /^[A-Za-z0-9_.-]{1,64}$/.test(deviceId)

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const credential = await api.call('broker.credentials.issue', { deviceId })
      setIssued(credential)
      setDeviceId('')
      onIssued?.(credential)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="issue-credential">
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="issue-device-id">Device id</label>
        <input
          id="issue-device-id"
          value={deviceId}
          placeholder="e.g. esp32-a1b2c3 or kitchen-sensor"
          onChange={(e) => setDeviceId(e.target.value.trim())}
          aria-invalid={deviceId !== '' && !valid}
          aria-describedby="issue-device-id-hint"
        />
        <button type="submit" className="primary" disabled={!valid || busy}>
          {busy ? 'Creating…' : 'Create login'}
        </button>
      </form>
      <p id="issue-device-id-hint" className="hint">
        Letters, digits, “_”, “.” and “-”. The device may publish only under{' '}
        <code>iot/&lt;device id&gt;/…</code>.
      </p>
      <ErrorBanner error={error} />
      {issued && (
        <div className="issued" role="status">
          <p>
            Login for <strong>{issued.deviceId}</strong>. Copy the password now: it is not shown
            again.
          </p>
          <CopyField label="User name" value={issued.username} />
          <CopyField label="Password" value={issued.password} secret />
        </div>
      )}
    </div>
  )
}
