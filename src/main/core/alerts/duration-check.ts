import type { Device } from '../../../shared/contract/devices'
import { offlineSince, type DeviceState } from './device-state'
import { RATE_WINDOW_MS } from './rate-window'
import { appliesTo, isLevelRule } from './rule-match'
import type { StoredRule } from './rule-store'

/** What the passing of time does to one rule on one device. */
export type DurationAction =
  | { kind: 'fire'; rule: StoredRule; device: Device; value: number | null }
  | { kind: 'clear'; rule: StoredRule; deviceId: string; reason: string }

export interface DurationInput {
  now: number
  rules: readonly StoredRule[]
  states: readonly DeviceState[]
  /** settings.devices.offlineAfterS in ms, for devices without a status topic. */
  offlineAfterMs: number
  /** The engine's state for a rule on a device, as it is before any of these actions. */
  track(
    ruleId: string,
    deviceId: string,
  ): { phase: 'ok' | 'pending' | 'firing'; since: number; value: number | null } | undefined
  /** Arrival time of the newest reading that changed a rate window. */
  rateArrival(deviceId: string, metric: string): number | undefined
}

/**
 * The duration checks, in rule then device order: a level breach held for `forMinutes`, a
 * rate alert with no change reported for the rate window, devices offline or silent for the
 * rule's minutes. Pure: the engine applies the actions.
 */
export function durationActions(input: DurationInput): DurationAction[] {
  const { now, offlineAfterMs } = input
  const actions: DurationAction[] = []
  for (const rule of input.rules) {
    if (!rule.enabled) continue
    const c = rule.condition
    for (const state of input.states) {
      const device = state.device
      if (!appliesTo(rule, device)) continue
      const track = input.track(rule.id, device.id)
      if (isLevelRule(c)) {
        if (track?.phase === 'pending' && now - track.since >= rule.forMinutes * 60_000) {
          actions.push({ kind: 'fire', rule, device, value: track.value })
        }
        const arrival = input.rateArrival(device.id, c.metric)
        if (
          c.type === 'rate' &&
          track?.phase === 'firing' &&
          arrival !== undefined &&
          now - arrival >= RATE_WINDOW_MS
        ) {
          const reason = `${c.metric} steady (no change reported for 10 min)`
          actions.push({ kind: 'clear', rule, deviceId: device.id, reason })
        }
      } else if (c.type === 'offline') {
        const since = offlineSince(state, now, offlineAfterMs)
        if (since !== null && now - since >= c.minutes * 60_000) {
          actions.push({ kind: 'fire', rule, device, value: (now - since) / 60_000 })
        }
      } else if (c.type === 'stale') {
        const offline = offlineSince(state, now, offlineAfterMs) !== null
        const last = state.lastReadingAt
        if (!offline && last !== null && now - last >= c.minutes * 60_000) {
          actions.push({ kind: 'fire', rule, device, value: (now - last) / 60_000 })
        }
      }
    }
  }
  return actions
}
