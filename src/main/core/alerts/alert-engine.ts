import type { AlertCondition, AlertIncident } from '../../../shared/contract/alerts'
import type { Device, DeviceEvent } from '../../../shared/contract/devices'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import type { AlertLog } from './alert-log'
import { firedMessage, inQuietHours, localMinuteOfDay, type ValueFormat } from './alert-text'
import { RateWindow } from './rate-window'
import type { StoredRule } from './rule-store'
import { appliesTo, isLevelRule, levelCheck, type LevelCondition } from './rule-match'
import { newEvents, type DeviceState } from './device-state'
import { durationActions } from './duration-check'

/** `at`: time of the reading behind the change (device time when known), else arrival time. */
export interface EngineListener {
  fired(incident: AlertIncident, rule: StoredRule, at: number): void
  cleared(incident: AlertIncident, rule: StoredRule | null, reason: string, at: number): void
}

export interface AlertEngineOptions {
  clock: Clock
  logger: Logger
  log: AlertLog
  rules: () => readonly StoredRule[]
  listener: EngineListener
  format: ValueFormat
  /** settings.devices.offlineAfterS in ms, for devices without a status topic. */
  offlineAfterMs: () => number
  /** Minutes since local midnight (quiet hours); injectable so tests do not depend on TZ. */
  minuteOfDay?: (ms: number) => number
  /** How often durations (for, offline, stale) are checked. Default 10 s. */
  tickMs?: number
}

interface Track {
  phase: 'ok' | 'pending' | 'firing'
  since: number
  value: number | null
  incident: AlertIncident | null
}

const key = (ruleId: string, deviceId: string): string => `${ruleId}\u0000${deviceId}`

/**
 * Evaluates alert rules against readings, device presence and device events. Every state
 * change goes through the log first (so it survives a restart), then to the listener.
 * Time comes from the injected clock: durations are measured in arrival time, rates in
 * device time. A hovering value cannot flap: firing needs the limit crossed (for
 * `forMinutes`), clearing needs it crossed back by the rule's hysteresis.
 */
export class AlertEngine {
  private readonly tracks = new Map<string, Track>()
  private readonly devices = new Map<string, DeviceState>()
  private readonly windows = new Map<string, RateWindow>()
  private readonly windowArrival = new Map<string, number>()
  private timer: Timer | null = null

  constructor(private readonly options: AlertEngineOptions) {}

  /** Resumes open incidents from the log and starts the duration checks. */
  start(
    devices: readonly Device[],
    eventsOf: (id: string) => readonly DeviceEvent[] = () => [],
  ): void {
    const now = this.options.clock.now()
    for (const device of devices) {
      const latestTs = Math.max(0, ...Object.values(device.latest).map((l) => l.ts))
      const state: DeviceState = {
        device,
        offlineSince: device.online === false ? (device.lastSeen ?? now) : null,
        lastReadingAt: latestTs > 0 ? Math.min(latestTs, now) : null,
        lastEventTs: 0,
        seenAtLastTs: 0,
      }
      // Events from before this start were dealt with by the previous run.
      newEvents(state, eventsOf(device.id))
      this.devices.set(device.id, state)
    }
    const rules = new Map(this.options.rules().map((r) => [r.id, r]))
    for (const incident of this.options.log.active()) {
      const rule = rules.get(incident.ruleId)
      if (!rule || !rule.enabled) {
        this.clearIncident(incident, rule ?? null, rule ? 'rule disabled' : 'rule deleted')
        continue
      }
      this.tracks.set(key(rule.id, incident.deviceId), {
        phase: 'firing',
        since: incident.firedAt,
        value: incident.value,
        incident,
      })
    }
    this.timer = this.options.clock.setInterval(() => this.tick(), this.options.tickMs ?? 10_000)
    if (typeof this.timer === 'object' && this.timer !== null && 'unref' in this.timer)
      this.timer.unref?.()
  }

  stop(): void {
    if (this.timer !== null) this.options.clock.clearInterval(this.timer)
    this.timer = null
  }

  onReadings(points: readonly ReadingPoint[]): void {
    const now = this.options.clock.now()
    const rules = this.options.rules().filter((r) => r.enabled)
    for (const point of points) {
      const state = this.devices.get(point.deviceId)
      if (!state) continue
      state.lastReadingAt = now
      // Without rules there is nothing to evaluate; keep no per-series windows either.
      if (rules.length === 0) continue
      for (const rule of rules) {
        const type = rule.condition.type
        if ((type === 'stale' || type === 'sensorError') && appliesTo(rule, state.device)) {
          this.clear(
            rule,
            point.deviceId,
            type === 'stale' ? 'readings again' : 'readings again, no error',
            point.ts,
          )
        }
      }
      const seriesKey = `${point.deviceId}\u0000${point.metric}`
      let window = this.windows.get(seriesKey)
      if (!window) this.windows.set(seriesKey, (window = new RateWindow()))
      if (!window.add(point.ts, point.value)) continue
      this.windowArrival.set(seriesKey, now)
      for (const rule of rules) {
        if (!isLevelRule(rule.condition) || rule.condition.metric !== point.metric) continue
        if (!appliesTo(rule, state.device)) continue
        const value = rule.condition.type === 'threshold' ? point.value : window.rate()
        if (value !== null) this.level(rule, rule.condition, state.device, value, now, point.ts)
      }
    }
  }

  onDevice(device: Device, events: readonly DeviceEvent[] = []): void {
    const now = this.options.clock.now()
    let state = this.devices.get(device.id)
    if (!state) {
      state = { device, offlineSince: null, lastReadingAt: null, lastEventTs: 0, seenAtLastTs: 0 }
      this.devices.set(device.id, state)
    }
    const wasOffline = state.device.online === false
    state.device = device
    if (device.online === false && !wasOffline) state.offlineSince = now
    if (device.online !== false) state.offlineSince = null
    const fresh = newEvents(state, events).filter((e) => e.level === 'error')
    for (const rule of this.options.rules()) {
      if (!rule.enabled || !appliesTo(rule, device)) continue
      if (rule.condition.type === 'offline' && device.online !== false)
        this.clear(rule, device.id, 'online again')
      const event = fresh.at(-1)
      if (rule.condition.type === 'sensorError' && event) {
        const detail = event.message ?? event.type
        this.fire(rule, device, null, now, detail)
      }
    }
    this.checkDurations(now, [state])
  }

  onDeviceRemoved(id: string): void {
    for (const rule of this.options.rules()) this.clear(rule, id, 'device forgotten')
    this.devices.delete(id)
  }

  /** A rule was changed, disabled or deleted: its open incidents close and evaluation restarts. */
  onRuleChanged(before: StoredRule, after: StoredRule | null): void {
    const reset =
      after === null ||
      !after.enabled ||
      JSON.stringify([before.condition, before.target, before.forMinutes]) !==
        JSON.stringify([after.condition, after.target, after.forMinutes])
    if (!reset) return
    const reason =
      after === null ? 'rule deleted' : !after.enabled ? 'rule disabled' : 'rule changed'
    for (const [k, track] of this.tracks) {
      if (!k.startsWith(`${before.id}\u0000`)) continue
      if (track.incident) this.clearIncident(track.incident, after ?? before, reason)
      this.tracks.delete(k)
    }
  }

  /** Checks minimum durations, offline and stale devices (called by the timer). */
  tick(): void {
    this.checkDurations(this.options.clock.now(), [...this.devices.values()])
  }

  private checkDurations(now: number, states: readonly DeviceState[]): void {
    const actions = durationActions({
      now,
      rules: this.options.rules(),
      states,
      offlineAfterMs: this.options.offlineAfterMs(),
      track: (ruleId, deviceId) => this.tracks.get(key(ruleId, deviceId)),
      rateArrival: (deviceId, metric) => this.windowArrival.get(`${deviceId}\u0000${metric}`),
    })
    for (const action of actions) {
      if (action.kind === 'fire') this.fire(action.rule, action.device, action.value, now)
      else this.clear(action.rule, action.deviceId, action.reason)
    }
  }

  private level(
    rule: StoredRule,
    c: LevelCondition,
    device: Device,
    value: number,
    now: number,
    at: number,
  ): void {
    const k = key(rule.id, device.id)
    let track = this.tracks.get(k)
    if (!track) this.tracks.set(k, (track = { phase: 'ok', since: now, value, incident: null }))
    track.value = value
    const { breach, recovered } = levelCheck(c, value)
    if (track.phase === 'firing') {
      if (recovered) this.clear(rule, device.id, `${c.metric} back to normal`, at)
      return
    }
    if (!breach) {
      track.phase = 'ok'
      return
    }
    if (track.phase === 'ok') {
      track.phase = 'pending'
      track.since = now
    }
    if (now - track.since >= rule.forMinutes * 60_000)
      this.fire(rule, device, value, now, undefined, at)
  }

  private fire(
    rule: StoredRule,
    device: Device,
    value: number | null,
    now: number,
    detail?: string,
    at = now,
  ): void {
    const k = key(rule.id, device.id)
    const track = this.tracks.get(k)
    if (track?.phase === 'firing') return
    const condition: AlertCondition = rule.condition
    const minute = (this.options.minuteOfDay ?? localMinuteOfDay)(now)
    const incident = this.options.log.open({
      ruleId: rule.id,
      ruleName: rule.name,
      deviceId: device.id,
      deviceName: device.name,
      condition: condition.type,
      metric: isLevelRule(condition) ? condition.metric : null,
      value,
      message: firedMessage(condition, device.name, value, this.options.format, detail),
      firedAt: now,
      quiet: inQuietHours(rule.quietHours, minute),
    })
    this.tracks.set(k, { phase: 'firing', since: now, value, incident })
    this.options.logger.info('alert fired', { rule: rule.id, device: device.id })
    this.options.listener.fired(incident, rule, at)
  }

  private clear(rule: StoredRule, deviceId: string, reason: string, at?: number): void {
    const k = key(rule.id, deviceId)
    const track = this.tracks.get(k)
    if (!track || track.phase !== 'firing') return
    this.tracks.set(k, {
      phase: 'ok',
      since: this.options.clock.now(),
      value: track.value,
      incident: null,
    })
    if (track.incident) this.clearIncident(track.incident, rule, reason, at)
  }

  private clearIncident(
    incident: AlertIncident,
    rule: StoredRule | null,
    reason: string,
    at?: number,
  ): void {
    const now = this.options.clock.now()
    const closed = this.options.log.markCleared(incident.id, now)
    if (!closed) return
    this.options.logger.info('alert cleared', {
      rule: incident.ruleId,
      device: incident.deviceId,
      reason,
    })
    this.options.listener.cleared(closed, rule, reason, at ?? now)
  }
}
