import type { ApiClient } from '@shared/api'
import { IngestStats } from '@shared/contract/ingest'
import { nextLateness, type Lateness } from './lateness'

export interface IngestView {
  /** The latest figures; null until the server has reported any. */
  stats: IngestStats | null
  /** When this window received them (its own clock). */
  at: number
  /** Set while live data is late, else null. */
  late: Lateness | null
}

/**
 * The data path as the server reports it: `ingest.stats` once at start (and after a
 * reconnect), then its event about once a second. Every report is checked against the
 * contract: a core that does not send these figures yet leaves the view empty rather than
 * showing numbers that are not there.
 */
export class IngestMonitor {
  private view: IngestView = { stats: null, at: 0, late: null }
  private readonly listeners = new Set<() => void>()

  constructor(private readonly api: ApiClient) {}

  start(): () => void {
    const off = this.api.on('ingest.stats', (stats) => this.apply(stats))
    void this.refresh()
    return off
  }

  async refresh(): Promise<void> {
    try {
      this.apply(await this.api.call('ingest.stats', {}))
    } catch {
      // The connection banner tells about a lost connection; the event fills in later.
    }
  }

  get = (): IngestView => this.view

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private apply(report: unknown): void {
    const parsed = IngestStats.safeParse(report)
    if (!parsed.success) return
    const stats = parsed.data
    this.view = { stats, at: Date.now(), late: nextLateness(this.view.late, stats) }
    for (const listener of this.listeners) listener()
  }
}
