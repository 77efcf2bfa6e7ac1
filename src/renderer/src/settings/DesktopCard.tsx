import { useEffect, useState, type FormEvent } from 'react'
import type { Settings, SettingsPatch } from '@shared/contract/settings'
import { ErrorBanner } from '../components/ErrorBanner'

/**
 * Desktop-app comforts: start at login, what closing the window does, and auto-update, which stays off (no network call of
 * the app's own, no telemetry) until a person turns it on and gives a feed address.
 */
export function DesktopCard({
  desktop,
  shell,
  platform,
  update,
}: {
  desktop: Settings['desktop']
  shell: 'electron' | 'web'
  /** `${process.platform}-${arch}` from app.info */
  platform: string | undefined
  update: (patch: SettingsPatch) => Promise<Settings>
}) {
  const [url, setUrl] = useState(desktop.updateUrl ?? '')
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState(false)
  useEffect(() => setUrl(desktop.updateUrl ?? ''), [desktop.updateUrl])
  const linux = platform?.startsWith('linux') ?? false

  const save = async (patch: NonNullable<SettingsPatch['desktop']>): Promise<void> => {
    setError(undefined)
    setSaved(false)
    try {
      await update({ desktop: patch })
      setSaved(true)
    } catch (err) {
      setError(err)
    }
  }
  const submit = (event: FormEvent): void => {
    event.preventDefault()
    void save({ updateUrl: url.trim() === '' ? null : url.trim() })
  }

  return (
    <form className="card form-grid" aria-label="Desktop app" onSubmit={submit}>
      <h2>Desktop app</h2>
      {shell === 'web' && (
        <p className="muted form-grid__full">
          These apply when the desktop app runs on this data folder; web mode ignores them.
        </p>
      )}
      <div className="form-grid__full">
        <ErrorBanner error={error} />
      </div>
      <span>Login</span>
      <label>
        <input
          type="checkbox"
          checked={desktop.startAtLogin}
          disabled={linux}
          aria-describedby="desktop-login-help"
          onChange={(e) => void save({ startAtLogin: e.target.checked })}
        />{' '}
        start the app when I log in
      </label>
      <p id="desktop-login-help" className="muted form-grid__full">
        {linux
          ? 'On Linux, add the app to your desktop’s autostart (or run web mode as a service).'
          : 'The app starts in the tray, so the broker keeps serving your devices.'}
      </p>
      <span>Closing</span>
      <label>
        <input
          type="checkbox"
          checked={desktop.closeToTray}
          aria-describedby="desktop-close-help"
          onChange={(e) => void save({ closeToTray: e.target.checked })}
        />{' '}
        keep running in the tray when I close the window
      </label>
      <p id="desktop-close-help" className="muted form-grid__full">
        {desktop.closeToTray
          ? 'The broker keeps serving your devices, readings are stored and alerts notify. To quit, choose Quit in the tray icon’s menu (the menu bar on macOS) or the app menu.'
          : 'Closing the window quits the app: devices lose their broker and nothing is recorded until you start it again.'}
        {desktop.closeToTray &&
          linux &&
          ' GNOME shows tray icons only with the AppIndicator extension; starting the app again always opens its window.'}
      </p>
      <span>Updates</span>
      <label>
        <input
          type="checkbox"
          checked={desktop.autoUpdate}
          aria-describedby="desktop-update-help"
          onChange={(e) => void save({ autoUpdate: e.target.checked })}
        />{' '}
        check for updates at start and install them on quit
      </label>
      <label htmlFor="desktop-update-url">Update feed</label>
      <input
        id="desktop-update-url"
        type="url"
        placeholder="https://updates.example.com/iot-control-center/"
        value={url}
        onChange={(e) => {
          setSaved(false)
          setUrl(e.target.value)
        }}
        aria-describedby="desktop-update-help"
      />
      <p id="desktop-update-help" className="muted form-grid__full">
        Off unless you turn it on: the app then asks only this https address (a folder with
        latest.yml and the installers) and sends nothing about you or your devices.
      </p>
      <div className="form-actions form-grid__full">
        <button type="submit" className="primary">
          Save feed
        </button>
        {saved && <span className="note-ok">Saved.</span>}
      </div>
    </form>
  )
}
