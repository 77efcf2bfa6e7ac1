import { useConnectionState } from '../api/api-context'

/** Web mode: tells the person when the page lost the app and is reconnecting. */
export function ConnectionBanner() {
  const state = useConnectionState()
  if (state === 'open') return null
  return (
    <div className="banner banner--warn" role="alert">
      {state === 'connecting'
        ? 'Connecting to the app…'
        : 'Lost the connection to the app. Reconnecting…'}
    </div>
  )
}
