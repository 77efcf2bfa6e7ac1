import type { Device } from '../../../shared/contract/devices'
import type { Clock } from '../base/clock'

/** What the installer needs from the device registry. */
export interface PresenceSource {
  onChange(listener: (id: string) => void): () => void
  has(id: string): boolean
  get(id: string): Device
}

/**
 * Resolves true once the registry shows `id` online from a live (not retained)
 * message that arrived at or after `since`: a board installed before keeps a retained
 * "online" on the broker, which must not count for the new install. Resolves false on
 * timeout or abort.
 */
export function waitOnline(
  presence: PresenceSource,
  id: string,
  since: number,
  timeoutMs: number,
  clock: Clock,
  signal: AbortSignal,
): Promise<boolean> {
  const isOnline = (): boolean => {
    if (!presence.has(id)) return false
    const device = presence.get(id)
    return device.online === true && device.lastSeen !== null && device.lastSeen >= since
  }
  return new Promise<boolean>((resolve) => {
    let settled = false
    const finish = (value: boolean): void => {
      if (settled) return
      settled = true
      off()
      clock.clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      resolve(value)
    }
    const onAbort = (): void => finish(false)
    const off = presence.onChange((changed) => {
      if (changed === id && isOnline()) finish(true)
    })
    const timer = clock.setTimeout(() => finish(false), timeoutMs)
    signal.addEventListener('abort', onAbort)
    if (signal.aborted || isOnline()) finish(signal.aborted ? false : true)
  })
}
