import type { ReadingPoint } from '../../../../shared/contract/readings'
import type { HistoryQuery, HistoryResult } from '../history-store'
import type { QueryPlan } from '../readings-query'
import { BucketCollector } from './bucket-grid'
import { tail, type HistoryReads, type PageRequest, type RawPage } from './history-reads'
import type { InfluxReader } from './influx-reader'
import {
  aggregateStatement,
  dropDeviceStatement,
  fieldKeysStatement,
  latestStatements,
  rawPageStatement,
  type InfluxQLSource,
  type InfluxQLStatementResult,
} from './influxql'

const AGGREGATE_KINDS = ['min', 'max', 'sum', 'count'] as const

/** History reads from InfluxDB 1.x with InfluxQL. */
export class Influx1Reads implements HistoryReads {
  constructor(
    private readonly reader: InfluxReader,
    private readonly source: InfluxQLSource,
  ) {}

  async aggregate(q: HistoryQuery, grid: QueryPlan): Promise<HistoryResult> {
    const collector = new BucketCollector(grid)
    const statement = aggregateStatement(this.source, grid, q.deviceIds, q.metrics)
    const [result] = await this.run(statement)
    for (const series of result?.series ?? []) {
      const deviceId = series.tags?.device
      if (deviceId === undefined) continue
      const column = new Map(series.columns.map((name, i) => [name, i]))
      for (const row of series.values) {
        const t = row[0]
        if (typeof t !== 'number') continue
        q.metrics.forEach((metric, i) => {
          for (const kind of AGGREGATE_KINDS) {
            const value = row[column.get(`${kind}_${i}`) ?? -1]
            if (typeof value === 'number') collector.set(deviceId, metric, t, kind, value)
          }
        })
      }
    }
    return collector.result(q)
  }

  async latest(deviceId?: string): Promise<ReadingPoint[]> {
    const [keys] = await this.run(fieldKeysStatement(this.source))
    const fields = (keys?.series?.[0]?.values ?? [])
      .filter((row) => row[1] === 'float' || row[1] === 'integer')
      .map((row) => String(row[0]))
    if (fields.length === 0) return []
    const results = await this.run(latestStatements(this.source, fields, deviceId))
    const points: ReadingPoint[] = []
    results.forEach((result, i) => {
      for (const series of result.series ?? []) {
        const row = series.values[0]
        const device = series.tags?.device
        if (!row || device === undefined || device === '') continue
        const [ts, value] = row
        if (typeof ts === 'number' && typeof value === 'number')
          points.push({ deviceId: device, metric: fields[i]!, ts, value })
      }
    })
    return points
  }

  async rawPage(page: PageRequest): Promise<RawPage> {
    const [result] = await this.run(rawPageStatement(this.source, page))
    const points: ReadingPoint[] = []
    const times: number[] = []
    for (const series of result?.series ?? []) {
      for (const row of series.values) times.push(Number(row[0]))
      const deviceColumn = series.columns.indexOf('device')
      for (const row of series.values) {
        const ts = row[0]
        const deviceId = row[deviceColumn]
        if (typeof ts !== 'number' || typeof deviceId !== 'string') continue
        series.columns.forEach((metric, i) => {
          const value = row[i]
          if (i === 0 || i === deviceColumn || typeof value !== 'number') return
          points.push({ deviceId, metric, ts, value })
        })
      }
    }
    return { points, rows: times.length, ...tail(times) }
  }

  async deleteDevice(deviceId: string): Promise<void> {
    await this.run(dropDeviceStatement(this.source, deviceId))
  }

  /**
   * Runs statements; a database not created yet (it is created before the first write) holds
   * nothing, so it answers as empty instead of failing a fresh installation's first chart.
   */
  private async run(statements: string): Promise<InfluxQLStatementResult[]> {
    try {
      return await this.reader.influxql(statements)
    } catch (error) {
      if (error instanceof Error && /database not found/.test(error.message)) return []
      throw error
    }
  }
}
