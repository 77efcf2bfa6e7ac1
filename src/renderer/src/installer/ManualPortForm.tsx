import { useId, useState, type FormEvent } from 'react'
import type { PortInfo } from '@shared/contract/flasher'
import { useApi } from '../api/api-context'
import { ErrorBanner } from '../components/ErrorBanner'

/** A port the system does not list (a pty, /dev/serial/by-id/…), typed in by hand. */
export function ManualPortForm({ onPort }: { onPort: (port: PortInfo) => void }) {
  const api = useApi()
  const id = useId()
  const [path, setPath] = useState('')
  const [error, setError] = useState<unknown>()
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setError(undefined)
    try {
      onPort(await api.call('flasher.describePort', { path: path.trim() }))
      setPath('')
    } catch (err) {
      setError(err)
    }
  }
  return (
    <>
      <form className="inline-form manual-port" onSubmit={(e) => void submit(e)}>
        <label htmlFor={id}>Other port</label>
        <input
          id={id}
          value={path}
          placeholder="/dev/ttyUSB0, COM3 or /dev/serial/by-id/…"
          onChange={(e) => setPath(e.target.value)}
        />
        <button type="submit" disabled={path.trim() === ''}>
          Use this port
        </button>
      </form>
      <ErrorBanner error={error} />
    </>
  )
}
