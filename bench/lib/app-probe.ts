/**
 * What the app has stored, through its public contract: `ingest.stats` (counters, backlog,
 * lag) and, independently, `readings.query` / `readings.latest` (what is in the database).
 * An app whose `ingest.stats` does not answer (a build from before the counters existed, or
 * one whose result breaks the contract) is counted through `readings.query` alone.
 */
import type { IngestStats } from '../../src/shared/contract/ingest'
import type { ReadingPoint, ReadingsQueryResult } from '../../src/shared/contract/readings'
import type { AppRpc } from './rpc-client'

/** Each telemetry message carries two readings: temperature and humidity. */
export const READINGS_PER_MESSAGE = 2

export interface StoredCount {
  messages: number
  via: 'ingest.stats' | 'readings.query'
  stats: IngestStats | null
}

export class AppProbe {
  private statsWork: boolean | undefined
  private readonly rpc: AppRpc

  constructor(rpc: AppRpc) {
    this.rpc = rpc
  }

  /** ingest.stats, or null when this app cannot answer it. */
  async stats(): Promise<IngestStats | null> {
    if (this.statsWork === false) return null
    try {
      const stats = await this.rpc.call<IngestStats>('ingest.stats')
      this.statsWork = true
      return stats
    } catch (error) {
      if (this.statsWork === true) throw error
      this.statsWork = false
      return null
    }
  }

  /**
   * Telemetry messages stored so far: ingest.stats `readings` ÷ 2, or (without it) the
   * database count for `deviceIds`.
   */
  async storedMessages(deviceIds: readonly string[]): Promise<StoredCount> {
    const stats = await this.stats()
    if (stats)
      return {
        messages: Math.floor(stats.readings / READINGS_PER_MESSAGE),
        via: 'ingest.stats',
        stats,
      }
    return { messages: await this.countInDatabase(deviceIds), via: 'readings.query', stats: null }
  }

  /** Temperature readings stored for these devices (one per message), 100 devices per query. */
  async countInDatabase(deviceIds: readonly string[]): Promise<number> {
    const now = Date.now()
    let total = 0
    for (let i = 0; i < deviceIds.length; i += 100) {
      const result = await this.rpc.call<ReadingsQueryResult>('readings.query', {
        deviceIds: deviceIds.slice(i, i + 100),
        metric: 'temperature',
        from: now - 24 * 3600_000,
        to: now + 3600_000,
        points: 1,
      })
      for (const series of result.series) for (const bucket of series.buckets) total += bucket.count
    }
    return total
  }

  /**
   * How old the newest stored reading is (now − its device `ts`), over `deviceIds` or all
   * devices: the bench's own look at lag, independent of ingest.stats `lagMs`. Also the
   * median over devices of each one's newest reading age.
   */
  async newestAge(
    deviceIds?: ReadonlySet<string>,
  ): Promise<{ newestMs: number; medianMs: number; devices: number }> {
    const points = await this.rpc.call<ReadingPoint[]>('readings.latest', {})
    const now = Date.now()
    const perDevice = new Map<string, number>()
    for (const p of points) {
      if (p.metric !== 'temperature' || (deviceIds && !deviceIds.has(p.deviceId))) continue
      perDevice.set(p.deviceId, Math.max(perDevice.get(p.deviceId) ?? 0, p.ts))
    }
    const ages = [...perDevice.values()].map((ts) => now - ts).sort((a, b) => a - b)
    return {
      newestMs: ages[0] ?? Infinity,
      medianMs: ages[ages.length >> 1] ?? Infinity,
      devices: ages.length,
    }
  }
}
