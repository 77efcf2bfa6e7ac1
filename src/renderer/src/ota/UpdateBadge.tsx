import './ota.css'
import { memo } from 'react'
import type { Device } from '@shared/contract/devices'
import type { OtaDeviceProgress } from '@shared/contract/ota'
import { isActive, isOutdated, useOtaAvailable, useOtaProgress } from './use-ota'

/**
 * Beside a board's firmware version: its update in progress ("Updating 45 %"), a failed
 * update, or "Update" when the app ships a newer version. Nothing for other boards.
 */
export const UpdateBadge = memo(function UpdateBadge({ device }: { device: Device }) {
  const available = useOtaAvailable()?.version ?? null
  const progress = useOtaProgress(device.id)
  if (device.format !== 'ours') return null
  if (progress && isActive(progress))
    return (
      <span className="badge badge--ota-busy" title={progress.message ?? undefined}>
        {activeLabel(progress)}
      </span>
    )
  const outdated = isOutdated(device, available)
  if (progress?.state === 'failed' && outdated)
    return (
      <span className="badge badge--ota-failed" title={progress.message ?? undefined}>
        Update failed
      </span>
    )
  if (!outdated) return null
  return (
    <span
      className="badge badge--ota"
      title={`Firmware ${available} is available (this board runs ${device.info.fw})`}
    >
      Update {available}
    </span>
  )
})

export function activeLabel(p: OtaDeviceProgress): string {
  switch (p.state) {
    case 'queued':
      return 'Update queued'
    case 'waiting':
      return 'Update waits (offline)'
    case 'sending':
      return `Updating ${p.total > 0 ? Math.floor((100 * p.next) / p.total) : 0} %`
    case 'verifying':
      return 'Checking files'
    case 'applying':
    case 'rebooting':
      return 'Restarting'
    default:
      return p.state
  }
}
