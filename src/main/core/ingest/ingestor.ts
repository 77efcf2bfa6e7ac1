import type { IngestStats, UnparsedRecord } from '../../../shared/contract/ingest'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { MqttMessage } from '../../../shared/mqtt-message'
import { Z2mRegistry } from '../../../shared/parsers/ecosystems/z2m-registry'
import { HaRegistry } from '../../../shared/parsers/ha-registry'
import { parseMessage, type ParseContext } from '../../../shared/parsers/parse-message'
import type { DeviceUpdate, UnparsedReason } from '../../../shared/parsers/types'
import type { Timer } from '../base/clock'
import type { MessageMeta } from '../devices/apply-update'
import { unref } from '../readings/readings-writer'
import { BackpressureGate } from './backpressure-gate'
import { ClockWarnings } from './clock-warnings'
import { IngestCounters } from './ingest-counters'
import { STORE_AND_OBSERVE, type IngestorOptions, type IngestRoute } from './ingest-options'
import { LagMeter } from './lag-meter'
import { dropOutOfRange } from './range-check'
import { RedeliveryFilter } from './redelivery-filter'
import { StoreOnlyPath } from './store-only'
import { StoredFanout } from './stored-fanout'
import { UiBatch } from './ui-batch'
import { UnparsedLog } from './unparsed-log'

/** Readings per readings.batch event; past this the oldest of the tick are left out (the UI only needs recent ones). */
export const MAX_BATCH = 5000

/**
 * The path from "an MQTT message arrived" to "stored, registered, shown": parse (total,
 * never throws) → drop redeliveries → device registry + readings store → coalesced UI
 * events. Messages no parser could read are counted per reason and the last 200 kept.
 * Built for a hot path: nothing allocated per message that the parsers did not already make.
 */
export class Ingestor {
  /** Home Assistant mappings learned from discovery configs. */
  readonly ha = new HaRegistry()
  /** Names, models and units from Zigbee2MQTT's retained device list. */
  readonly z2m = new Z2mRegistry()
  /** Holds the embedded broker's publishers back while storage is behind. */
  readonly gate: BackpressureGate
  private readonly redeliveries = new RedeliveryFilter()
  /** A cluster instance's share of the readings (see IngestorOptions.route). */
  private readonly storeOnly: StoreOnlyPath
  private readonly lag = new LagMeter()
  private readonly clockWarnings = new ClockWarnings()
  private readonly counters: IngestCounters
  private readonly unparsedLog: UnparsedLog
  private readonly uiBatch = new UiBatch(MAX_BATCH)
  private readonly stored: StoredFanout
  private readonly pendingDevices = new Set<string>()
  private readonly context: ParseContext
  /** Reused for every message: the registry reads it and keeps nothing of it. */
  private readonly meta: MessageMeta = { topic: '', source: '', receivedAt: 0, retained: false }
  private tickTimer: Timer | null = null
  private readonly statsTimer: Timer
  private readonly highWater: number
  private readonly unsubscribe: (() => void)[] = []

  constructor(private readonly options: IngestorOptions) {
    this.context = { prefix: options.prefix(), ha: this.ha, z2m: this.z2m }
    if (options.mappings) this.context.mappings = options.mappings
    this.counters = new IngestCounters(options.clock.now())
    this.unparsedLog = new UnparsedLog(this.counters, options.maxUnparsed)
    this.stored = new StoredFanout(options.logger)
    this.highWater = options.highWater ?? 20_000
    this.storeOnly = new StoreOnlyPath(options, this.counters)
    this.gate = new BackpressureGate({
      queued: () => options.store.pending,
      highWater: this.highWater,
      lowWater: Math.floor(this.highWater / 2),
    })
    this.unsubscribe.push(
      options.registry.onChange((id) => {
        this.pendingDevices.add(id)
        this.scheduleTick()
      }),
      options.registry.onRemove((id) => {
        this.pendingDevices.delete(id)
        this.redeliveries.forgetDevice(id)
        this.storeOnly.forgetDevice(id)
        this.lag.forgetDevice(id)
        this.clockWarnings.forgetDevice(id)
        options.emit('device.removed', { id })
      }),
    )
    this.statsTimer = options.clock.setInterval(() => this.second(), 1000)
    unref(this.statsTimer)
  }

  /** Handles one received message. Never throws: whatever a device sends, the app keeps running. */
  ingest(message: MqttMessage): void {
    const c = this.counters
    c.messages++
    c.lastMessageAt = message.receivedAt
    try {
      const route = this.options.route ? this.options.route(message) : STORE_AND_OBSERVE
      if (!route.store && !route.observe) {
        c.ignored++
        return
      }
      this.context.prefix = this.options.prefix()
      const outcome = parseMessage(message, this.context)
      if (outcome.kind === 'unparsed')
        this.unparsedLog.record(message, outcome.reason, outcome.detail)
      else if (outcome.kind === 'ignored') c.ignored++
      else {
        c.parsed++
        for (const update of outcome.updates) this.apply(update, message, route)
      }
    } catch (error) {
      // Parsers are total; this guards the registry/store side, which must not take the app down either.
      this.options.logger.error('ingest failed', { error, topic: message.topic.slice(0, 200) })
      this.unparsedLog.record(
        message,
        'internal',
        error instanceof Error ? error.message : String(error),
      )
    }
  }

  /**
   * Lets the embedded broker read on from a publisher once this message is accounted for:
   * at once, or when storage has caught up (see BackpressureGate).
   */
  admit(release: () => void): void {
    this.gate.admit(release)
  }

  stats(): IngestStats {
    return this.counters.snapshot({
      shed: this.shed(),
      backlog: {
        queued: this.options.store.pending,
        highWater: this.highWater,
        paused: this.gate.paused,
        pauses: this.gate.pauses,
      },
      ...(this.options.tally ? { cluster: this.options.tally.stats() } : {}),
    })
  }

  /** Newest first. */
  unparsed(limit = 200, reason?: UnparsedReason): UnparsedRecord[] {
    return this.unparsedLog.list(limit, reason)
  }

  /**
   * Every stored reading, uncoalesced, once per tick: for forwarders and alerts that must
   * not lose what the UI's bounded `readings.batch` may leave out under a flood. `active`
   * says whether the listener wants readings now (no points are built when none does).
   */
  onStored(
    listener: (points: readonly ReadingPoint[]) => void,
    active: () => boolean = () => true,
  ): () => void {
    return this.stored.on(listener, active)
  }

  /** Emits whatever is pending now (also called by the tick). */
  flushEvents(): void {
    if (this.tickTimer !== null) {
      this.options.clock.clearTimeout(this.tickTimer)
      this.tickTimer = null
    }
    // Devices first: a listener (UI store, alert engine) meets a new device before its readings.
    const { registry, emit } = this.options
    for (const id of this.pendingDevices)
      if (registry.has(id)) emit('device.updated', registry.get(id))
    this.pendingDevices.clear()
    this.stored.flush()
    if (this.uiBatch.size > 0) emit('readings.batch', this.uiBatch.take())
    this.gate.check()
  }

  close(): void {
    this.flushEvents()
    this.gate.check(true)
    this.options.clock.clearInterval(this.statsTimer)
    for (const off of this.unsubscribe) off()
  }

  private apply(update: DeviceUpdate, message: MqttMessage, route: IngestRoute): void {
    const { registry, store } = this.options
    const c = this.counters
    const vouched = message.login !== undefined || update.online !== undefined
    if (!route.observe) {
      this.storeOnly.apply(update, message)
      return
    }
    if (!registry.canAccept(update.deviceId, vouched)) {
      c.ignored++
      c.devicesRefused++
      return
    }
    const deviceId = update.deviceId
    if (update.readings.length > 0)
      c.outOfRange += dropOutOfRange(update, update.info?.sensor ?? registry.sensorOf(deviceId))
    if (this.clockWarnings.check(update, message.receivedAt)) c.deviceTimeIgnored++
    // A birth message means the board (re)started and counts `seq` from 0 again: what it
    // sends next is new, whatever it repeats (MQTT 3.1.1 §4.3.2 redeliveries do not span a reboot).
    if (update.online === true && !message.retain) this.redeliveries.forgetDevice(deviceId)
    const readingsTs = update.ts ?? message.receivedAt
    const readings = update.readings
    if (this.redeliveries.isDuplicate(update, message.receivedAt)) {
      c.duplicates += readings.length
      update.readings = []
    } else if (message.retain && update.ts === undefined) {
      // A retained reading without device time is "the last known value", taken at some
      // unknown moment: show it as latest, but do not invent a timestamp for history.
      c.retainedNotStored += readings.length
    } else if (readings.length > 0) {
      if (route.store) {
        store.add(deviceId, readingsTs, update.seq, readings)
        c.readings += readings.length
      } else if (!message.retain) this.options.tally?.seen(message, deviceId)
      if (update.ts !== undefined && !message.retain)
        this.lag.recordDeviceTime(deviceId, update.ts, message.receivedAt)
      const keep = this.stored.wanted()
      for (const r of readings) {
        this.uiBatch.add(deviceId, r.metric, readingsTs, r.value)
        if (keep) this.stored.push({ deviceId, metric: r.metric, ts: readingsTs, value: r.value })
      }
      this.scheduleTick()
    }
    const meta = this.meta
    meta.topic = message.topic
    meta.source = message.source
    meta.receivedAt = message.receivedAt
    meta.retained = message.retain
    meta.login = message.login
    registry.observe(update, meta, readingsTs)
  }

  private shed(): Record<string, number> {
    return {
      uiReadings: this.uiBatch.shed,
      storeFailed: this.options.store.stats.failed,
      unparsedEvicted: this.counters.unparsedEvicted,
      devicesRefused: this.counters.devicesRefused,
      ...this.options.extraShed?.(),
    }
  }

  /** Once a second: rates and lag, and an `ingest.stats` event while messages flow. */
  private second(): void {
    const now = this.options.clock.now()
    const lagMs = this.lag.sample(now)
    const busy = this.options.store.pending > 0 || this.gate.paused || !!this.options.tally?.busy
    if (this.counters.tick(lagMs, busy)) this.options.emit('ingest.stats', this.stats())
    this.gate.check()
  }

  private scheduleTick(): void {
    if (this.tickTimer !== null) return
    this.tickTimer = this.options.clock.setTimeout(() => {
      this.tickTimer = null
      this.flushEvents()
    }, this.options.tickMs ?? 50)
  }
}
