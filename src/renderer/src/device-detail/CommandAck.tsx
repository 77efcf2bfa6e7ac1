import type { CommandState } from './use-device-command'

/** What the device said about the last command: waiting, confirmed or refused. */
export function CommandAck({ state }: { state: CommandState }) {
  if (state.phase === 'idle') return null
  if (state.phase === 'pending') {
    return (
      <span className="ack ack--pending" role="status">
        Sent “{state.cmd}”, waiting for the device to confirm…
      </span>
    )
  }
  return (
    <span className={`ack ack--${state.ok ? 'ok' : 'error'}`} role={state.ok ? 'status' : 'alert'}>
      {state.ok ? '✓ ' : ''}
      {state.text}
    </span>
  )
}
