import type { ReadingPoint } from '../../../shared/contract/readings'
import type { HistoryQuery, HistoryResult, HistoryStore } from './history-store'
import type { ReadingsStore } from './readings-store'
import type { ReadingsStats } from './readings-writer'

/**
 * The local SQLite ReadingsStore behind the HistoryStore interface. `owned`: close() closes
 * the store too (otherwise whoever opened it does, as create-core).
 */
export class SqliteHistory implements HistoryStore {
  readonly kind = 'sqlite' as const

  constructor(
    readonly store: ReadingsStore,
    private readonly owned = false,
    private readonly extraWarnings: readonly string[] = [],
  ) {}

  get warnings(): readonly string[] {
    return [...this.extraWarnings, ...this.store.warnings]
  }

  get pending(): number {
    return this.store.pending
  }

  get stats(): ReadingsStats {
    return this.store.stats
  }

  add(...message: Parameters<HistoryStore['add']>): void {
    this.store.add(...message)
  }

  async flush(): Promise<void> {
    this.store.flush()
  }

  async query(q: HistoryQuery): Promise<HistoryResult> {
    return this.store.query({ ...q, deviceIds: [...q.deviceIds], metrics: [...q.metrics] })
  }

  async latest(deviceId?: string): Promise<ReadingPoint[]> {
    return this.store.latest(deviceId)
  }

  async *iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
  ): AsyncGenerator<ReadingPoint> {
    yield* this.store.iterate(range, deviceIds, 'time')
  }

  async deleteDevice(deviceId: string): Promise<void> {
    this.store.deleteDevice(deviceId)
  }

  async close(): Promise<void> {
    if (this.owned) this.store.close()
  }
}
