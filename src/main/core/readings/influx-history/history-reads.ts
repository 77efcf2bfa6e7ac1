import type { ReadingPoint } from '../../../../shared/contract/readings'
import type { HistoryQuery, HistoryResult } from '../history-store'
import type { QueryPlan } from '../readings-query'

/** The reads the InfluxDB history store needs, in InfluxQL (1.x) or Flux (2.x). */
export interface HistoryReads {
  /**
   * min/max/sum/count per bucket of `grid`, per device × metric of `q` (which names at least
   * one device and one metric: the caller answers an empty question without asking).
   */
  aggregate(q: HistoryQuery, grid: QueryPlan): Promise<HistoryResult>
  latest(deviceId?: string): Promise<ReadingPoint[]>
  /**
   * Rows `offset` to `offset + limit` of those the server holds in `range`, in time order
   * (ties in a fixed order), as points. A row is what the server counts: one device at one
   * instant (1.x) or one field of it (2.x).
   */
  rawPage(page: PageRequest): Promise<RawPage>
  deleteDevice(deviceId: string): Promise<void>
}

/** Which page of raw rows to read: rows `offset` to `offset + limit` in `range`. */
export interface PageRequest {
  range: { from: number; to: number }
  /** Every device when undefined. */
  deviceIds: readonly string[] | undefined
  limit: number
  offset: number
}

export interface RawPage {
  points: ReadingPoint[]
  /** Rows returned (fewer than `limit`: the range is exhausted). */
  rows: number
  /** Time of the last row, and how many of the returned rows have that time. */
  lastTs: number | null
  lastRows: number
}

/** Counts the rows at the last row's time, given each row's time in order. */
export function tail(times: readonly number[]): { lastTs: number | null; lastRows: number } {
  const lastTs = times.at(-1) ?? null
  let lastRows = 0
  for (let i = times.length - 1; i >= 0 && times[i] === lastTs; i--) lastRows++
  return { lastTs, lastRows }
}
