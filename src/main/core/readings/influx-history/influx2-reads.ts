import type { ReadingPoint } from '../../../../shared/contract/readings'
import type { HistoryQuery, HistoryResult } from '../history-store'
import type { QueryPlan } from '../readings-query'
import { rfc3339ToMs, type CsvRecord } from './annotated-csv'
import { BucketCollector } from './bucket-grid'
import {
  AGGREGATES,
  aggregateQuery,
  deletePredicate,
  latestQuery,
  rawPageQuery,
  type FluxSource,
} from './flux'
import { tail, type HistoryReads, type PageRequest, type RawPage } from './history-reads'
import type { InfluxReader } from './influx-reader'

/** A record's device, metric, time and value; null when a cell is missing or not a number. */
function pointOf(record: CsvRecord): ReadingPoint | null {
  const deviceId = record.device
  const metric = record._field
  const ts = rfc3339ToMs(record._time ?? '')
  const value = Number(record._value)
  if (!deviceId || !metric || !Number.isFinite(ts) || record._value === '') return null
  if (!Number.isFinite(value)) return null
  return { deviceId, metric, ts, value }
}

/** History reads from InfluxDB 2.x with Flux, answers in annotated CSV. */
export class Influx2Reads implements HistoryReads {
  constructor(
    private readonly reader: InfluxReader,
    private readonly source: FluxSource,
  ) {}

  async aggregate(q: HistoryQuery, grid: QueryPlan): Promise<HistoryResult> {
    const collector = new BucketCollector(grid)
    const records = await this.reader.flux(
      aggregateQuery(this.source, grid, q.deviceIds, q.metrics),
    )
    for (const record of records) {
      const kind = AGGREGATES.find((k) => k === record.result)
      const point = pointOf(record)
      if (kind !== undefined && point !== null)
        collector.set(point.deviceId, point.metric, point.ts, kind, point.value)
    }
    return collector.result(q)
  }

  async latest(deviceId?: string): Promise<ReadingPoint[]> {
    const records = await this.reader.flux(latestQuery(this.source, deviceId))
    return records.map(pointOf).filter((p): p is ReadingPoint => p !== null)
  }

  async rawPage(page: PageRequest): Promise<RawPage> {
    const records = await this.reader.flux(rawPageQuery(this.source, page))
    const points = records.map(pointOf).filter((p): p is ReadingPoint => p !== null)
    const times = records.map((r) => rfc3339ToMs(r._time ?? ''))
    return { points, rows: records.length, ...tail(times) }
  }

  async deleteDevice(deviceId: string): Promise<void> {
    const predicate = deletePredicate(this.source.measurement, deviceId)
    await this.reader.delete(predicate, '1970-01-01T00:00:00Z', '2262-04-11T00:00:00Z')
  }
}
