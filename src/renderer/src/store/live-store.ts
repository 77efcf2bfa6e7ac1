import { sortMetrics } from '@shared/metrics'
import type { ApiClient } from '@shared/api'
import type { Device } from '@shared/contract/devices'
import type { ReadingPoint, ReadingsQueryResult } from '@shared/contract/readings'
import type { XY } from '../charts/points'
import { KeyedListeners } from '../lib/keyed-listeners'
import { addToLive, LIVE_WINDOW_MS } from './live-buffer'
import { addAllToSpark, SPARK_BUCKET_MS, SPARK_WINDOW_MS, type SparkBucket } from './spark-buffer'

export interface DeviceEntry {
  device: Device
  spark: { temperature: SparkBucket[]; humidity: SparkBucket[] }
}

export interface DeviceList {
  devices: Device[]
  loaded: boolean
  error?: unknown
}

/** Raw recent readings of a device someone is looking at; `version` changes on every append. */
export interface LiveSeries {
  version: number
  metrics: ReadonlyMap<string, XY[]>
}

interface Watched {
  watchers: number
  series: LiveSeries
}

const SPARK_METRICS = ['temperature', 'humidity'] as const
type SparkMetric = (typeof SPARK_METRICS)[number]
const isSparkMetric = (m: string): m is SparkMetric => m === 'temperature' || m === 'humidity'

/** What the list needs to re-sort, re-group or re-filter; live values are not part of it. */
function structureKey(d: Device): string {
  const { name, location, format, online, info, firstSeen } = d
  return [name, location, format, online, info.rssi, info.fw, info.ip, firstSeen].join('\u0000')
}

/**
 * Structural changes (new devices, renames, presence) are gathered for this long and then
 * applied as one new list: 5,000 devices coming online at once re-sort the list a few
 * times, not 5,000 times.
 */
export const LIST_COALESCE_MS = 100

/**
 * The renderer's normalized copy of devices and recent readings, fed by the coalesced
 * `device.updated` / `readings.batch` events. Components subscribe per device
 * (useSyncExternalStore), so a batch re-renders only the cards whose device changed, and
 * the list itself only when something it sorts or groups by changes.
 */
export class LiveStore {
  private readonly entries = new Map<string, DeviceEntry>()
  private readonly keys = new Map<string, string>()
  private list: DeviceList = { devices: [], loaded: false }
  private readonly listListeners = new Set<() => void>()
  private readonly deviceListeners = new KeyedListeners()
  private readonly watched = new Map<string, Watched>()
  private generation = 0
  private listTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly api: ApiClient) {}

  /** Subscribes to the events and loads everything; returns the stop function. */
  start(): () => void {
    const offs = [
      this.api.on('device.updated', (device) => this.applyDevice(device)),
      this.api.on('device.removed', ({ id }) => this.removeDevice(id)),
      this.api.on('readings.batch', (points) => this.applyReadings(points)),
    ]
    void this.reload()
    return () => {
      offs.forEach((off) => off())
      clearTimeout(this.listTimer)
    }
  }

  /** Loads the device list and the last hour of sparklines (also after a reconnect). */
  async reload(): Promise<void> {
    const generation = ++this.generation
    let devices: Device[]
    try {
      devices = await this.api.call('devices.list', {})
    } catch (error) {
      if (generation === this.generation) this.setList({ ...this.list, loaded: true, error })
      return
    }
    if (generation !== this.generation) return
    const known = new Set(devices.map((d) => d.id))
    for (const id of [...this.entries.keys()]) if (!known.has(id)) this.removeDevice(id, false)
    for (const device of devices) this.applyDevice(device, false)
    this.rebuildList(true)
    await this.seedSparklines(devices.map((d) => d.id))
  }

  getList = (): DeviceList => this.list

  subscribeList = (listener: () => void): (() => void) => {
    this.listListeners.add(listener)
    return () => this.listListeners.delete(listener)
  }

  getEntry(id: string): DeviceEntry | undefined {
    return this.entries.get(id)
  }

  subscribeDevice(id: string, listener: () => void): () => void {
    return this.deviceListeners.subscribe(id, listener)
  }

  /** A device as returned by a call (rename, update) or an event. */
  applyDevice(device: Device, notifyList = true): void {
    const old = this.entries.get(device.id)
    this.entries.set(device.id, { device, spark: old?.spark ?? { temperature: [], humidity: [] } })
    const key = structureKey(device)
    if (this.keys.get(device.id) !== key) {
      this.keys.set(device.id, key)
      if (notifyList) this.scheduleList()
    }
    this.notifyDevice(device.id)
  }

  removeDevice(id: string, notifyList = true): void {
    if (!this.entries.delete(id)) return
    this.keys.delete(id)
    if (notifyList) this.scheduleList()
    this.notifyDevice(id)
  }

  /** Keeps raw readings of a device while a live chart shows it; returns the release function. */
  watch(id: string): () => void {
    let w = this.watched.get(id)
    if (!w) {
      w = { watchers: 0, series: { version: 0, metrics: new Map() } }
      this.watched.set(id, w)
      void this.seedLive(id, w)
    }
    w.watchers++
    const watched = w
    return () => {
      if (--watched.watchers === 0) this.watched.delete(id)
    }
  }

  getLive(id: string): LiveSeries | undefined {
    return this.watched.get(id)?.series
  }

  private applyReadings(points: ReadingPoint[]): void {
    // Grouped per device and metric first, so each touched sparkline is copied once per batch
    // (snapshots handed to React are never mutated) and each device notified once.
    const byDevice = new Map<string, ReadingPoint[]>()
    for (const p of points) {
      const list = byDevice.get(p.deviceId)
      if (list) list.push(p)
      else byDevice.set(p.deviceId, [p])
    }
    for (const [id, own] of byDevice) {
      const entry = this.entries.get(id)
      const w = this.watched.get(id)
      let touched = false
      if (entry) {
        const spark = { ...entry.spark }
        for (const metric of SPARK_METRICS) {
          const readings = own.filter((p) => p.metric === metric)
          if (readings.length === 0) continue
          spark[metric] = addAllToSpark(spark[metric], readings)
          touched = true
        }
        if (touched) this.entries.set(id, { device: entry.device, spark })
      }
      if (w) {
        touched = true
        const metrics = w.series.metrics as Map<string, XY[]>
        for (const p of own) {
          let line = metrics.get(p.metric)
          if (!line) metrics.set(p.metric, (line = []))
          addToLive(line, p.ts, p.value)
        }
        w.series = { version: w.series.version + 1, metrics }
      }
      if (touched) this.notifyDevice(id)
    }
  }

  /** One query per 100 devices: the last hour in one-minute buckets. */
  private async seedSparklines(ids: string[]): Promise<void> {
    const to = Date.now() + 1
    const from = to - SPARK_WINDOW_MS
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100)
      let result: ReadingsQueryResult
      try {
        result = await this.api.call('readings.query', {
          deviceIds: chunk,
          metrics: [...SPARK_METRICS],
          from,
          to,
          points: SPARK_WINDOW_MS / SPARK_BUCKET_MS,
        })
      } catch {
        return // Sparklines fill from live data; the list itself already loaded.
      }
      for (const s of result.series) {
        const entry = this.entries.get(s.deviceId)
        if (!entry || !isSparkMetric(s.metric)) continue
        const seeded = s.buckets.map((b) => ({
          t: b.t + result.bucketMs / 2,
          v: b.avg,
          n: b.count,
        }))
        const live = entry.spark[s.metric]
        const firstLive = live[0]?.t ?? Infinity
        const spark = {
          ...entry.spark,
          [s.metric]: [...seeded.filter((b) => b.t < firstLive), ...live],
        }
        this.entries.set(s.deviceId, { device: entry.device, spark })
        this.notifyDevice(s.deviceId)
      }
    }
  }

  /** Fills a newly watched device's live lines with the last 15 minutes from the store. */
  private async seedLive(id: string, w: Watched): Promise<void> {
    const to = Date.now() + 1
    let result: ReadingsQueryResult
    try {
      result = await this.api.call('readings.query', {
        deviceId: id,
        // Every metric the device sends (the query's default is only temperature and humidity).
        metrics: sortMetrics([
          'temperature',
          'humidity',
          ...Object.keys(this.entries.get(id)?.device.latest ?? {}),
        ]).slice(0, 20),
        from: to - LIVE_WINDOW_MS,
        to,
        points: LIVE_WINDOW_MS / 1000,
      })
    } catch {
      return
    }
    if (this.watched.get(id) !== w) return
    const metrics = w.series.metrics as Map<string, XY[]>
    for (const s of result.series) {
      const live = metrics.get(s.metric) ?? []
      const firstLive = live[0]?.x ?? Infinity
      const seeded = s.buckets
        .map((b) => ({ x: b.t + result.bucketMs / 2, y: b.avg }))
        .filter((p) => p.x < firstLive)
      metrics.set(s.metric, [...seeded, ...live])
    }
    w.series = { version: w.series.version + 1, metrics }
    this.notifyDevice(id)
  }

  private scheduleList(): void {
    this.listTimer ??= setTimeout(() => {
      this.listTimer = undefined
      this.rebuildList(this.list.loaded)
    }, LIST_COALESCE_MS)
  }

  private rebuildList(loaded: boolean): void {
    clearTimeout(this.listTimer)
    this.listTimer = undefined
    this.setList({ devices: [...this.entries.values()].map((e) => e.device), loaded })
  }

  private setList(list: DeviceList): void {
    this.list = list
    for (const listener of this.listListeners) listener()
  }

  private notifyDevice(id: string): void {
    this.deviceListeners.notify(id)
  }
}
