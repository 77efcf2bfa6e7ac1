import { useMemo, useState } from 'react'
import type { Device } from '@shared/contract/devices'
import { UpdateDialog } from './UpdateDialog'
import { isOutdated, useOtaAvailable, useOtaJobs } from './use-ota'

/** "Update firmware…" for the Devices toolbar: how many boards are behind, opens the dialog. */
export function UpdateButton({ devices }: { devices: readonly Device[] }) {
  const [open, setOpen] = useState(false)
  const version = useOtaAvailable()?.version ?? null
  const running = useOtaJobs().some((j) => j.state === 'running')
  const behind = useMemo(
    () => devices.filter((d) => isOutdated(d, version)).length,
    [devices, version],
  )
  if (!devices.some((d) => d.format === 'ours')) return null
  return (
    <>
      <button
        type="button"
        className={behind > 0 ? 'primary' : undefined}
        onClick={() => setOpen(true)}
        title={version ? `This app ships firmware ${version}` : undefined}
      >
        {running
          ? 'Update running…'
          : behind > 0
            ? `Update firmware (${behind})…`
            : 'Update firmware…'}
      </button>
      <UpdateDialog open={open} onClose={() => setOpen(false)} />
    </>
  )
}
