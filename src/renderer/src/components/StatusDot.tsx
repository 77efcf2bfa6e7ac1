/** Online/offline dot with a text label for screen readers (colour is never the only cue). */
export function StatusDot({ online, label }: { online: boolean | null; label?: boolean }) {
  const state = online === null ? 'unknown' : online ? 'online' : 'offline'
  const text = online === null ? 'Unknown' : online ? 'Online' : 'Offline'
  return (
    <span className={`status status--${state}`} data-state={state}>
      <span className="status__dot" aria-hidden="true" />
      {label ? <span>{text}</span> : <span className="sr-only">{text}</span>}
    </span>
  )
}
