import type { ReadingPoint } from '../../../../shared/contract/readings'
import { ApiError } from '../../../../shared/errors'
import type { FetchLike } from '../../influx/influx-client'
import type { InfluxForwardConfig } from '../../influx/influx-forwarder'
import type { HistoryReads } from './history-reads'
import { Influx1Reads } from './influx1-reads'
import { Influx2Reads } from './influx2-reads'
import { InfluxReader } from './influx-reader'

/** The reads for a target: InfluxQL for 1.x, Flux for 2.x. */
export function readsFor(target: InfluxForwardConfig, fetch?: FetchLike): HistoryReads {
  const reader = new InfluxReader(target, fetch)
  return target.version === '1'
    ? new Influx1Reads(reader, {
        database: target.database,
        retentionPolicy: target.retentionPolicy,
        measurement: target.measurement,
      })
    : new Influx2Reads(reader, { bucket: target.bucket, measurement: target.measurement })
}

/** Read failures become UNAVAILABLE errors that say which store failed. */
export async function guardRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new ApiError('UNAVAILABLE', `Reading history from InfluxDB failed: ${message}`)
  }
}

/**
 * Raw points in [from, to) in time order, then device, then metric (as the SQLite store's
 * export), page by page with a (time, offset) cursor: the next page starts at the last page's
 * last instant, skipping the rows of it already read, so an instant with more rows than a page
 * is read across pages and none is read twice. Memory: one page plus one instant.
 */
export async function* rawPoints(
  reads: HistoryReads,
  range: { from: number; to: number },
  deviceIds: readonly string[] | undefined,
  limit: number,
): AsyncGenerator<ReadingPoint> {
  let from = range.from
  let offset = 0
  // The last instant's points wait until the instant is complete, to be sorted together.
  let carry: ReadingPoint[] = []
  for (;;) {
    const page = await guardRead(() =>
      reads.rawPage({ range: { from, to: range.to }, deviceIds, limit, offset }),
    )
    const points = carry.concat(page.points)
    const lastTs = page.lastTs
    if (page.rows < limit || lastTs === null) {
      yield* ordered(points)
      return
    }
    yield* ordered(points.filter((p) => p.ts < lastTs))
    carry = points.filter((p) => p.ts === lastTs)
    offset = lastTs === from ? offset + page.rows : page.lastRows
    from = lastTs
  }
}

/**
 * Read-only export source for tools beside the app (CLI export): the same reads and paging
 * as InfluxHistory, without its writer, so nothing in the data folder is opened for writing.
 */
export class InfluxExportSource {
  private readonly reads: HistoryReads

  constructor(
    target: InfluxForwardConfig,
    fetch?: FetchLike,
    private readonly pageRows = 10_000,
  ) {
    this.reads = readsFor(target, fetch)
  }

  iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
  ): AsyncGenerator<ReadingPoint> {
    return rawPoints(this.reads, range, deviceIds, this.pageRows)
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Same instant: device, then metric, in code-unit order. */
function ordered(points: ReadingPoint[]): ReadingPoint[] {
  return points.sort(
    (a, b) => a.ts - b.ts || compare(a.deviceId, b.deviceId) || compare(a.metric, b.metric),
  )
}
