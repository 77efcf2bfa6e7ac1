import { useState, type FormEvent } from 'react'
import type { IssuedCredential } from '@shared/contract/broker'
import { useApi } from '../api/api-context'
import { CopyField } from '../components/CopyField'
import { ErrorBanner } from '../components/ErrorBanner'
import { IssuedLogin } from './IssuedLogin'
import { parseTopicList, SEED_CLIENT_ID, SEED_TOPIC, withTopic } from './extra-topics-text'

/**
 * Creates (or replaces) a device's broker account, with optional extra topics, and shows
 * the password once, with copy buttons: the app never shows it again.
 */
export function IssueCredentialForm({
  onIssued,
}: {
  onIssued?: (credential: IssuedCredential) => void
}) {
  const api = useApi()
  const [deviceId, setDeviceId] = useState('')
  const [topics, setTopics] = useState('')
  const [issued, setIssued] = useState<IssuedCredential>()
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const valid = /^[A-Za-z0-9_.-]{1,64}$/.test(deviceId)

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const allow = parseTopicList(topics)
      const credential = await api.call('broker.credentials.issue', {
        deviceId,
        ...(allow.length > 0 ? { allow } : {}),
      })
      setIssued(credential)
      setDeviceId('')
      setTopics('')
      onIssued?.(credential)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const useSeed = (): void => {
    if (deviceId === '') setDeviceId(SEED_CLIENT_ID)
    setTopics((t) => withTopic(t, SEED_TOPIC))
  }

  return (
    <div className="issue-credential">
      <form className="issue-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="issue-device-id">Device id</label>
        <input
          id="issue-device-id"
          value={deviceId}
          placeholder="e.g. esp32-a1b2c3 or kitchen-sensor"
          onChange={(e) => setDeviceId(e.target.value.trim())}
          aria-invalid={deviceId !== '' && !valid}
          aria-describedby="issue-device-id-hint"
        />
        <p id="issue-device-id-hint" className="hint">
          Letters, digits, “_”, “.” and “-”. It is also the MQTT client id the device must use. The
          device may publish under <code>iot/&lt;device id&gt;/…</code>.
        </p>
        <label htmlFor="issue-extra-topics">Extra topics</label>
        <input
          id="issue-extra-topics"
          value={topics}
          placeholder="optional, e.g. home/sensors/temp_hum, home/sensors/#"
          onChange={(e) => setTopics(e.target.value)}
          aria-describedby="issue-extra-topics-hint"
        />
        <p id="issue-extra-topics-hint" className="hint">
          Topics it may also publish and subscribe to, separated by commas: exact ones or a pattern
          under a root of your choice (<code>home/sensors/#</code>).{' '}
          <button type="button" className="link" onClick={useSeed}>
            Add the seed tutorial’s topic <code>{SEED_TOPIC}</code>
          </button>
        </p>
        <div className="issue-form__actions">
          <button type="submit" className="primary" disabled={!valid || busy}>
            {busy ? 'Creating…' : 'Create login'}
          </button>
        </div>
      </form>
      <ErrorBanner error={error} />
      {issued && (
        <IssuedLogin issued={issued}>
          <CopyField label="User name" value={issued.username} />
          <CopyField label="Password" value={issued.password} secret />
        </IssuedLogin>
      )}
    </div>
  )
}
