import { useState, type FormEvent } from 'react'
import type { DeviceCredential } from '@shared/contract/broker'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'
import { parseTopicList } from './extra-topics-text'

/** Edits one login's extra topics in place (`broker.credentials.update`). */
export function ExtraTopicsEditor({
  credential,
  onDone,
}: {
  credential: DeviceCredential
  onDone: (saved: boolean) => void
}) {
  const api = useApi()
  const [text, setText] = useState(credential.allow.join(', '))
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const id = `extra-${credential.username}`

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await api.call('broker.credentials.update', {
        username: credential.username,
        allow: parseTopicList(text),
      })
      onDone(true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="extra-editor" onSubmit={(e) => void save(e)}>
      <label htmlFor={id} className="sr-only">
        Extra topics of {credential.username}
      </label>
      <input
        id={id}
        value={text}
        autoFocus
        placeholder="e.g. home/sensors/#"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone(false)
        }}
      />
      <button type="submit" className="small primary" disabled={busy}>
        Save
      </button>
      <button type="button" className="small" onClick={() => onDone(false)}>
        Cancel
      </button>
      <ErrorBanner error={error} />
    </form>
  )
}
