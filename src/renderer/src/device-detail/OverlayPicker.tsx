import { useDeviceList } from '../store/use-device-list'

export const MAX_OVERLAYS = 7

/** Other devices to draw in the same history chart, as a checkbox list in a disclosure. */
export function OverlayPicker({
  deviceId,
  selected,
  onChange,
}: {
  deviceId: string
  selected: string[]
  onChange: (ids: string[]) => void
}) {
  const { devices } = useDeviceList()
  const others = devices
    .filter((d) => d.id !== deviceId)
    .sort((a, b) => a.name.localeCompare(b.name))
  const full = selected.length >= MAX_OVERLAYS
  return (
    <details className="overlay-picker">
      <summary>Compare{selected.length > 0 ? ` (${selected.length})` : ''}</summary>
      <div className="overlay-picker__list" role="group" aria-label="Devices to compare">
        {others.length === 0 && <p className="muted-inline">No other devices yet.</p>}
        {others.map((d) => {
          const checked = selected.includes(d.id)
          return (
            <label key={d.id} className="overlay-picker__item">
              <input
                type="checkbox"
                checked={checked}
                disabled={!checked && full}
                onChange={() =>
                  onChange(checked ? selected.filter((id) => id !== d.id) : [...selected, d.id])
                }
              />
              <span className="truncate">{d.name}</span>
            </label>
          )
        })}
        {full && (
          <p className="muted-inline">Up to {MAX_OVERLAYS} devices can be compared at once.</p>
        )}
      </div>
    </details>
  )
}
