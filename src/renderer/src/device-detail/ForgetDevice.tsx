import { useState } from 'react'
import type { Device } from '@shared/contract/devices'
import { useApi } from '../api/api-context'
import { hrefFor } from '../app/routes'
import { ErrorBanner } from '../components/ErrorBanner'
import { useLiveStore } from '../store/store-context'

/** Forget = delete the device and its readings; asks once, in place, before doing it. */
export function ForgetDevice({ device }: { device: Device }) {
  const api = useApi()
  const store = useLiveStore()
  const [confirming, setConfirming] = useState(false)
  const [error, setError] = useState<unknown>()
  const forget = async (): Promise<void> => {
    setError(undefined)
    try {
      await api.call('devices.forget', { id: device.id })
      store.removeDevice(device.id)
      window.location.hash = hrefFor('devices')
    } catch (err) {
      setError(err)
    }
  }
  return (
    <section className="card danger-zone" aria-labelledby="forget-title">
      <h2 id="forget-title">Forget this device</h2>
      <p className="muted-inline">
        Removes “{device.name}” and all its stored readings from this app. If it keeps publishing,
        it comes back as a new device; to stop that, reset or unplug it first.
      </p>
      <ErrorBanner error={error} />
      {confirming ? (
        <div className="form-actions">
          <button type="button" className="danger" onClick={() => void forget()}>
            Yes, forget it and delete its readings
          </button>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="danger-outline" onClick={() => setConfirming(true)}>
          Forget device…
        </button>
      )}
    </section>
  )
}
