import type { Device, DeviceEvent } from '../../../shared/contract/devices'

/** What the alert engine remembers about one device. */
export interface DeviceState {
  device: Device
  /** When we saw a status-based device go offline. */
  offlineSince: number | null
  /** Arrival time of the last reading. */
  lastReadingAt: number | null
  /** Newest device event already looked at, and how many events had that time. */
  lastEventTs: number
  seenAtLastTs: number
}

/**
 * Events not looked at yet (several may share one millisecond), oldest first; marks them
 * seen. `events` is newest first, as DeviceRegistry.events() returns them.
 */
export function newEvents(state: DeviceState, events: readonly DeviceEvent[]): DeviceEvent[] {
  const sorted = [...events].reverse().sort((a, b) => a.ts - b.ts)
  let skip = state.seenAtLastTs
  const fresh = sorted.filter((e) => {
    if (e.ts < state.lastEventTs) return false
    if (e.ts === state.lastEventTs && skip > 0) {
      skip--
      return false
    }
    return true
  })
  const newest = sorted.at(-1)
  if (newest && newest.ts >= state.lastEventTs) {
    state.seenAtLastTs = sorted.filter((e) => e.ts === newest.ts).length
    state.lastEventTs = newest.ts
  }
  return fresh
}

/** When the device went offline, or null while it is online / unknown. */
export function offlineSince(state: DeviceState, now: number, offlineAfter: number): number | null {
  const d = state.device
  if (d.presence === 'status') return d.online === false ? (state.offlineSince ?? now) : null
  if (d.lastSeen === null) return null
  return now - d.lastSeen > offlineAfter ? d.lastSeen + offlineAfter : null
}
