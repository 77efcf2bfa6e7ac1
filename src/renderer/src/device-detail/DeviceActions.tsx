import { useState } from 'react'
import type { Device } from '@shared/contract/devices'
import { UpdateDialog } from '../ota/UpdateDialog'
import { CommandAck } from './CommandAck'
import { useDeviceCommand } from './use-device-command'

/** Identify (blink the LED) and reboot, with the device's ack; only our firmware takes commands. */
export function DeviceActions({ device }: { device: Device }) {
  const { state, send } = useDeviceCommand(device.id)
  const [confirmReboot, setConfirmReboot] = useState(false)
  const [updating, setUpdating] = useState(false)
  if (device.format !== 'ours') return null
  const busy = state.phase === 'pending'
  return (
    <div className="device-actions">
      <CommandAck state={state} />
      <button
        type="button"
        disabled={busy}
        onClick={() => void send({ cmd: 'identify', seconds: 10 }, () => 'The LED blinks for 10 s')}
        title="Blink the board's LED for 10 seconds so you can find it"
      >
        Identify
      </button>
      {confirmReboot ? (
        <>
          <button
            type="button"
            className="danger"
            onClick={() => {
              setConfirmReboot(false)
              void send({ cmd: 'reboot' }, () => 'Rebooting; it is back online in a few seconds')
            }}
          >
            Reboot now
          </button>
          <button type="button" onClick={() => setConfirmReboot(false)}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" disabled={busy} onClick={() => setConfirmReboot(true)}>
          Reboot…
        </button>
      )}
      <button
        type="button"
        onClick={() => setUpdating(true)}
        title="Send the firmware this app ships over the air"
      >
        Update firmware…
      </button>
      <UpdateDialog open={updating} onClose={() => setUpdating(false)} preselect={[device.id]} />
    </div>
  )
}
