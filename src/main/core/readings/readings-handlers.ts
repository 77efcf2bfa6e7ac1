import type { readingsMethods } from '../../../shared/contract/readings'
import type { HandlerMap } from '../rpc/handlers'
import type { ReadingsStore } from './readings-store'

const DEFAULT_METRICS = ['temperature', 'humidity']

export function readingsHandlers(store: ReadingsStore): HandlerMap<keyof typeof readingsMethods> {
  return {
    'readings.query': (q) => {
      const deviceIds = unique([
        ...(q.deviceId === undefined ? [] : [q.deviceId]),
        ...(q.deviceIds ?? []),
      ])
      const metrics = unique([...(q.metric === undefined ? [] : [q.metric]), ...(q.metrics ?? [])])
      const result = store.query({
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
