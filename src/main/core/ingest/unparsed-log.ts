import type { UnparsedRecord } from '../../../shared/contract/ingest'
import type { MqttMessage } from '../../../shared/mqtt-message'
import { safePreview } from '../../../shared/parsers/text'
import type { UnparsedReason } from '../../../shared/parsers/types'
import type { IngestCounters } from './ingest-counters'

/**
 * Messages no parser could read: counted per reason, and the last few kept (topic, a safe
 * preview of the payload, why) for the Topics screen and `ingest.unparsed`. Bounded: the
 * oldest are evicted and the evictions counted.
 */
export class UnparsedLog {
  private readonly ring: UnparsedRecord[] = []

  constructor(
    private readonly counters: IngestCounters,
    /** How many records are kept (default 200). */
    private readonly max = 200,
  ) {}

  record(message: MqttMessage, reason: UnparsedReason, detail: string): void {
    const c = this.counters
    c.unparsed++
    c.unparsedByReason[reason] = (c.unparsedByReason[reason] ?? 0) + 1
    this.ring.push({
      at: message.receivedAt,
      topic: message.topic.length > 256 ? `${message.topic.slice(0, 256)}…` : message.topic,
      source: message.source,
      reason,
      detail: detail.slice(0, 300),
      preview: safePreview(message.payload),
      size: message.payload.byteLength,
      qos: message.qos,
      retain: message.retain,
    })
    if (this.ring.length > this.max) {
      c.unparsedEvicted += this.ring.length - this.max
      this.ring.splice(0, this.ring.length - this.max)
    }
  }

  /** Newest first. */
  list(limit = 200, reason?: UnparsedReason): UnparsedRecord[] {
    const all = this.ring.slice().reverse()
    return (reason === undefined ? all : all.filter((r) => r.reason === reason)).slice(0, limit)
  }
}
