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

/** Bytes of the last payload kept per topic: enough for a preview, never a whole payload. */
const KEPT_BYTES = 256

/** One topic, updated in place on every message; summaries are made only when someone looks. */
interface TopicEntry {
  topic: string
  count: number
  lastAt: number
  retained: boolean
  qos: 0 | 1 | 2
  source: string
  /** The first KEPT_BYTES of the last payload, copied (the message's buffer may be a slice of a whole socket read). */
  head: Buffer
  headLength: number
  bytes: number
}

/**
 * Every topic the app's clients have seen: message count, last payload (previewed
 * safely), retained flag, QoS and which connection delivered it. Bounded (LRU) so a
 * client publishing to random topics can't grow memory without limit. Recording a message
 * costs two map operations and a copy of at most 256 bytes; previews are decoded only for
 * the topics sent to the UI (≤ 20 batches a second) or listed.
 */
export class TopicExplorer {
  readonly cap: number
  private readonly topics = new Map<string, TopicEntry>()
  private readonly updates: Coalescer<TopicEntry>
  private evictedCount = 0

  constructor(private readonly options: TopicExplorerOptions) {
    this.cap = options.cap ?? 10_000
    this.updates = new Coalescer(
      options.clock,
      options.intervalMs ?? 50,
      (entries) => options.onUpdated({ topics: entries.map(summarize), total: this.topics.size }),
      500,
    )
  }

  record(message: MqttMessage): void {
    let entry = this.topics.get(message.topic)
    if (entry) {
      // Map keeps insertion order: delete + set moves the topic to the most recent end.
      this.topics.delete(message.topic)
    } else {
      entry = {
        topic: message.topic,
        count: 0,
        lastAt: 0,
        retained: false,
        qos: 0,
        source: '',
        head: Buffer.allocUnsafe(Math.min(KEPT_BYTES, message.payload.length)),
        headLength: 0,
        bytes: 0,
      }
    }
    this.topics.set(message.topic, entry)
    entry.count++
    entry.lastAt = message.receivedAt
    entry.retained = message.retain
    entry.qos = message.qos
    entry.source = message.source
    entry.bytes = message.payload.length
    const keep = Math.min(KEPT_BYTES, message.payload.length)
    if (entry.head.length < keep) entry.head = Buffer.allocUnsafe(keep)
    entry.head.set(message.payload.subarray(0, keep))
    entry.headLength = keep
    if (this.topics.size > this.cap) {
      const oldest = this.topics.keys().next().value
      if (oldest !== undefined) this.topics.delete(oldest)
      this.evictedCount++
    }
    this.updates.add(message.topic, entry)
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
      topics: matching.slice(0, limit).map(summarize),
      total: this.topics.size,
      cap: this.cap,
      evicted: this.evictedCount,
    }
  }

  /** Topics forgotten (least recently updated first) because the cap was reached. */
  get evicted(): number {
    return this.evictedCount
  }

  /** The connection that last delivered a message on `topic`, if any. */
  sourceOf(topic: string): string | undefined {
    return this.topics.get(topic)?.source
  }

  close(): void {
    this.updates.close()
  }
}

function summarize(entry: TopicEntry): TopicSummary {
  const payload = previewPayload(entry.head.subarray(0, entry.headLength), KEPT_BYTES, entry.bytes)
  return {
    topic: entry.topic,
    count: entry.count,
    lastAt: entry.lastAt,
    retained: entry.retained,
    qos: entry.qos,
    source: entry.source,
    payload,
  }
}
