import type { EventName, EventPayload } from '../../../shared/api'
import type { IngestStats, UnparsedRecord } from '../../../shared/contract/ingest'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { MqttMessage } from '../../../shared/mqtt-message'
import { HaRegistry } from '../../../shared/parsers/ha-registry'
import { parseMessage } from '../../../shared/parsers/parse-message'
import { safePreview } from '../../../shared/parsers/text'
import type { DeviceUpdate, UnparsedReason } from '../../../shared/parsers/types'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import type { DeviceRegistry } from '../devices/device-registry'
import type { ReadingsStore, StoredReading } from '../readings/readings-store'
import { RedeliveryFilter } from './redelivery-filter'

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void

export interface IngestorOptions {
  registry: DeviceRegistry
  store: ReadingsStore
  clock: Clock
  logger: Logger
  /** Where coalesced UI events go (the core's EventBus.emit). */
  emit: Emit
  /** settings.devices.prefix, read per message so a change applies at once. */
  prefix: () => string
  /** Coalescing tick: at most one readings.batch (and one device.updated per device) per tick. Default 50 ms (≤ 20/s). */
  tickMs?: number
  /** Unparsed records kept for inspection (default 200). */
  maxUnparsed?: number
}

/** Readings per readings.batch event; past this the oldest of the tick are dropped (the UI only needs recent ones). */
export const MAX_BATCH = 5000

/**
 * The path from "an MQTT message arrived" to "stored, registered, shown": parse (total,
 * never throws) → drop redeliveries → device registry + readings store → coalesced UI
 * events. Messages no parser could read are counted per reason and the last 200 kept.
 */
export class Ingestor {
  /** Home Assistant mappings learned from discovery configs. */
  readonly ha = new HaRegistry()
  private readonly redeliveries = new RedeliveryFilter()
  private readonly unparsedRing: UnparsedRecord[] = []
  private counters: IngestStats
  private pendingReadings: ReadingPoint[] = []
  private readonly storedListeners = new Set<(points: readonly ReadingPoint[]) => void>()
  private readonly pendingDevices = new Set<string>()
  private tickTimer: Timer | null = null
  private readonly unsubscribe: (() => void)[] = []

  constructor(private readonly options: IngestorOptions) {
    this.counters = emptyStats(options.clock.now())
    this.unsubscribe.push(
      options.registry.onChange((id) => {
        this.pendingDevices.add(id)
        this.scheduleTick()
      }),
      options.registry.onRemove((id) => {
        this.pendingDevices.delete(id)
        this.redeliveries.forgetDevice(id)
        options.emit('device.removed', { id })
      }),
    )
  }

  /** Handles one received message. Never throws: whatever a device sends, the app keeps running. */
  ingest(message: MqttMessage): void {
    const c = this.counters
    c.messages++
    c.lastMessageAt = message.receivedAt
    try {
      const outcome = parseMessage(message, { prefix: this.options.prefix(), ha: this.ha })
      if (outcome.kind === 'unparsed') this.recordUnparsed(message, outcome.reason, outcome.detail)
      else if (outcome.kind === 'ignored') c.ignored++
      else {
        c.parsed++
        for (const update of outcome.updates) this.apply(update, message)
      }
    } catch (error) {
      // Parsers are total; this guards the registry/store side, which must not take the app down either.
      this.options.logger.error('ingest failed', { error, topic: message.topic.slice(0, 200) })
      this.recordUnparsed(
        message,
        'internal',
        error instanceof Error ? error.message : String(error),
      )
    }
  }

  stats(): IngestStats {
    return { ...this.counters, unparsedByReason: { ...this.counters.unparsedByReason } }
  }

  /** Newest first. */
  unparsed(limit = 200, reason?: UnparsedReason): UnparsedRecord[] {
    const all = this.unparsedRing.slice().reverse()
    return (reason === undefined ? all : all.filter((r) => r.reason === reason)).slice(0, limit)
  }

  /**
   * Every stored reading as it is stored, uncoalesced: for forwarders that must not lose
   * what the UI's bounded `readings.batch` may drop under a flood.
   */
  onStored(listener: (points: readonly ReadingPoint[]) => void): () => void {
    this.storedListeners.add(listener)
    return () => this.storedListeners.delete(listener)
  }

  /** Emits whatever is pending now (also called by the tick). */
  flushEvents(): void {
    if (this.tickTimer !== null) {
      this.options.clock.clearTimeout(this.tickTimer)
      this.tickTimer = null
    }
    // Devices first: a listener (UI store, alert engine) meets a new device before its readings.
    const ids = [...this.pendingDevices]
    this.pendingDevices.clear()
    for (const id of ids) {
      if (this.options.registry.has(id))
        this.options.emit('device.updated', this.options.registry.get(id))
    }
    if (this.pendingReadings.length > 0) {
      const batch = this.pendingReadings
      this.pendingReadings = []
      this.options.emit(
        'readings.batch',
        batch.length > MAX_BATCH ? batch.slice(-MAX_BATCH) : batch,
      )
    }
  }

  close(): void {
    this.flushEvents()
    for (const off of this.unsubscribe) off()
  }

  private apply(update: DeviceUpdate, message: MqttMessage): void {
    const { registry, store } = this.options
    if (!registry.canAccept(update.deviceId)) {
      this.counters.ignored++
      return
    }
    const readingsTs = update.ts ?? message.receivedAt
    let readings = update.readings
    if (this.redeliveries.isDuplicate(update, message.receivedAt)) {
      this.counters.duplicates += readings.length
      readings = []
    } else if (message.retain && update.ts === undefined) {
      // A retained reading without device time is "the last known value", taken at some
      // unknown moment: show it as latest, but do not invent a timestamp for history.
      this.counters.retainedNotStored += readings.length
    } else if (readings.length > 0) {
      const rows: StoredReading[] = readings.map((r) => {
        const row: StoredReading = {
          deviceId: update.deviceId,
          metric: r.metric,
          ts: readingsTs,
          value: r.value,
        }
        if (update.seq !== undefined) row.seq = update.seq
        return row
      })
      store.add(rows)
      this.counters.readings += rows.length
      const points = rows.map(({ deviceId, metric, ts, value }) => ({
        deviceId,
        metric,
        ts,
        value,
      }))
      for (const listener of this.storedListeners) {
        try {
          listener(points)
        } catch (error) {
          this.options.logger.error('stored-readings listener failed', { error })
        }
      }
      for (const point of points) this.pendingReadings.push(point)
      if (this.pendingReadings.length > 4 * MAX_BATCH)
        this.pendingReadings.splice(0, this.pendingReadings.length - MAX_BATCH)
      this.scheduleTick()
    }
    const meta = {
      topic: message.topic,
      source: message.source,
      receivedAt: message.receivedAt,
      retained: message.retain,
    }
    registry.observe({ ...update, readings }, meta, readingsTs)
  }

  private recordUnparsed(message: MqttMessage, reason: UnparsedReason, detail: string): void {
    const c = this.counters
    c.unparsed++
    c.unparsedByReason[reason] = (c.unparsedByReason[reason] ?? 0) + 1
    this.unparsedRing.push({
      at: message.receivedAt,
      topic: message.topic.length > 256 ? `${message.topic.slice(0, 256)}…` : message.topic,
      source: message.source,
      reason,
      detail: detail.slice(0, 300),
      preview: safePreview(message.payload),
      size: message.payload.byteLength,
      qos: message.qos,
      retain: message.retain,
    })
    const max = this.options.maxUnparsed ?? 200
    if (this.unparsedRing.length > max) this.unparsedRing.splice(0, this.unparsedRing.length - max)
  }

  private scheduleTick(): void {
    if (this.tickTimer !== null) return
    this.tickTimer = this.options.clock.setTimeout(() => {
      this.tickTimer = null
      this.flushEvents()
    }, this.options.tickMs ?? 50)
  }
}

function emptyStats(since: number): IngestStats {
  return {
    since,
    messages: 0,
    parsed: 0,
    ignored: 0,
    unparsed: 0,
    unparsedByReason: {},
    readings: 0,
    duplicates: 0,
    retainedNotStored: 0,
    lastMessageAt: null,
  }
}
