import type { readingsMethods } from '../../../shared/contract/readings'
import type { HandlerMap } from '../rpc/handlers'
import type { HistoryStore } from './history-store'

const DEFAULT_METRICS = ['temperature', 'humidity']

/** `readings.*` answered by the history store in use (SQLite or InfluxDB). */
export function readingsHandlers(
  store: Pick<HistoryStore, 'query' | 'latest'>,
): HandlerMap<keyof typeof readingsMethods> {
  return {
    'readings.query': async (q) => {
      const deviceIds = unique([
        ...(q.deviceId === undefined ? [] : [q.deviceId]),
        ...(q.deviceIds ?? []),
      ])
      const metrics = unique([...(q.metric === undefined ? [] : [q.metric]), ...(q.metrics ?? [])])
      const result = await store.query({
        deviceIds,
        metrics: metrics.length > 0 ? metrics : DEFAULT_METRICS,
        from: q.from,
        to: q.to,
        points: q.points,
      })
      return { from: q.from, to: q.to, ...result }
    },
    'readings.latest': ({ deviceId }) => store.latest(deviceId),
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
