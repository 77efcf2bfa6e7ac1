import type { TopicSummary } from '../../../shared/contract/connections'
import type { MqttMessage } from '../../../shared/mqtt-message'
import type { Clock } from '../base/clock'
import { Coalescer } from './coalescer'
import { previewPayload } from './payload-preview'
import { topicMatches } from './topic-filter'

export interface TopicExplorerOptions {
  clock: Clock
  /** Coalesced: at most one call per `intervalMs`. */
  onUpdated: (batch: { topics: TopicSummary[]; total: number }) => void
  /** Topics kept; the least recently updated are forgotten beyond it. */
  cap?: number
  intervalMs?: number
}

/**
 * Every topic the app's clients have seen: message count, last payload (previewed
 * safely), retained flag, QoS and which connection delivered it. Bounded (LRU) so a
 * client publishing to random topics can't grow memory without limit.
 */
export class TopicExplorer {
  readonly cap: number
  private readonly topics = new Map<string, TopicSummary>()
  private readonly updates: Coalescer<TopicSummary>
  private evictedCount = 0

  constructor(private readonly options: TopicExplorerOptions) {
    this.cap = options.cap ?? 10_000
    this.updates = new Coalescer(
      options.clock,
      options.intervalMs ?? 50,
      (topics) => options.onUpdated({ topics, total: this.topics.size }),
      500,
    )
  }

  record(message: MqttMessage): void {
    const previous = this.topics.get(message.topic)
    const summary: TopicSummary = {
      topic: message.topic,
      count: (previous?.count ?? 0) + 1,
      lastAt: message.receivedAt,
      retained: message.retain,
      qos: message.qos,
      source: message.source,
      payload: previewPayload(message.payload),
    }
    // Map keeps insertion order: delete + set moves the topic to the most recent end.
    this.topics.delete(message.topic)
    this.topics.set(message.topic, summary)
    if (this.topics.size > this.cap) {
      const oldest = this.topics.keys().next().value
      if (oldest !== undefined) this.topics.delete(oldest)
      this.evictedCount++
    }
    this.updates.add(message.topic, summary)
  }

  /** Topics matching `filter` (MQTT wildcards), sorted by name, at most `limit`. */
  list(
    filter: string | undefined,
    limit: number,
  ): { topics: TopicSummary[]; total: number; cap: number; evicted: number } {
    const matching = [...this.topics.values()].filter(
      (t) => !filter || topicMatches(filter, t.topic),
    )
    matching.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0))
    return {
      topics: matching.slice(0, limit),
      total: this.topics.size,
      cap: this.cap,
      evicted: this.evictedCount,
    }
  }

  /** The connection that last delivered a message on `topic`, if any. */
  sourceOf(topic: string): string | undefined {
    return this.topics.get(topic)?.source
  }

  close(): void {
    this.updates.close()
  }
}
