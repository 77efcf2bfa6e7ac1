import type { ApiClient } from '@shared/api'
import type { TopicSummary } from '@shared/contract/connections'

/** At most this many tree rebuilds per second, whatever the message rate. */
const PUBLISH_EVERY_MS = 500

export interface TopicSnapshot {
  topics: ReadonlyMap<string, TopicSummary>
  total: number
  version: number
  loaded: boolean
  error?: unknown
}

/**
 * Topics seen on the broker, kept from `topics.list` plus the `topics.updated` batches.
 * Updates are folded in as they arrive but published to React at most twice a second,
 * so a busy broker never re-renders the tree per message.
 */
export class TopicStore {
  private readonly topics = new Map<string, TopicSummary>()
  private snapshot: TopicSnapshot = { topics: new Map(), total: 0, version: 0, loaded: false }
  private readonly listeners = new Set<() => void>()
  private timer?: ReturnType<typeof setTimeout>
  private total = 0

  constructor(private readonly api: ApiClient) {}

  start(): () => void {
    const off = this.api.on('topics.updated', ({ topics, total }) => {
      for (const t of topics) this.topics.set(t.topic, t)
      this.total = total
      this.schedule()
    })
    void this.load()
    return () => {
      off()
      clearTimeout(this.timer)
      // Otherwise a restart (React StrictMode, remount) would never schedule again.
      this.timer = undefined
    }
  }

  async load(): Promise<void> {
    try {
      const list = await this.api.call('topics.list', { limit: 5000 })
      for (const t of list.topics) {
        const known = this.topics.get(t.topic)
        if (!known || known.lastAt <= t.lastAt) this.topics.set(t.topic, t)
      }
      this.total = Math.max(this.total, list.total)
      this.publish(true)
    } catch (error) {
      this.snapshot = { ...this.snapshot, loaded: true, error }
      this.emit()
    }
  }

  get = (): TopicSnapshot => this.snapshot

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.publish(this.snapshot.loaded)
    }, PUBLISH_EVERY_MS)
  }

  private publish(loaded: boolean): void {
    // A copy per publish (at most twice a second): React sees a new value exactly when it changed.
    this.snapshot = {
      topics: new Map(this.topics),
      total: this.total,
      version: this.snapshot.version + 1,
      loaded,
    }
    this.emit()
  }

  private emit(): void {
    for (const listener of this.listeners) listener()
  }
}
