import type { IngestStats } from '../../../shared/contract/ingest'

/**
 * The ingestor's counters, bumped on the hot path as plain fields, plus the once-a-second
 * figures derived from them (readings per second, lag) and whether a stats event is due.
 */
export class IngestCounters {
  messages = 0
  parsed = 0
  ignored = 0
  unparsed = 0
  readonly unparsedByReason: Record<string, number> = {}
  readings = 0
  duplicates = 0
  retainedNotStored = 0
  outOfRange = 0
  deviceTimeIgnored = 0
  lastMessageAt: number | null = null
  unparsedEvicted = 0
  devicesRefused = 0
  private lagMs = 0
  private readingsPerS = 0
  private readingsAtTick = 0
  private messagesAtTick = 0
  private flowing = false

  constructor(readonly since: number) {}

  /**
   * Called once a second with the measured lag. Returns true when an `ingest.stats` event
   * should go out: while messages flow or work is pending, and once more when they stop.
   */
  tick(lagMs: number, busy: boolean): boolean {
    this.readingsPerS = this.readings - this.readingsAtTick
    this.readingsAtTick = this.readings
    this.lagMs = lagMs
    const moved = this.messages !== this.messagesAtTick
    this.messagesAtTick = this.messages
    const active = moved || busy || lagMs > 0
    const due = active || this.flowing
    this.flowing = active
    return due
  }

  snapshot(extra: Pick<IngestStats, 'shed' | 'backlog' | 'cluster'>): IngestStats {
    return {
      since: this.since,
      messages: this.messages,
      parsed: this.parsed,
      ignored: this.ignored,
      unparsed: this.unparsed,
      unparsedByReason: { ...this.unparsedByReason },
      readings: this.readings,
      duplicates: this.duplicates,
      retainedNotStored: this.retainedNotStored,
      outOfRange: this.outOfRange,
      deviceTimeIgnored: this.deviceTimeIgnored,
      lastMessageAt: this.lastMessageAt,
      lagMs: this.lagMs,
      readingsPerS: this.readingsPerS,
      ...extra,
    }
  }
}
