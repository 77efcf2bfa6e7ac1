import { z } from 'zod'
import { UNPARSED_REASONS } from '../parsers/types'
import { method, NoParams } from './define'

export const UnparsedReason = z.enum(UNPARSED_REASONS)

/** A message no parser could read, kept for inspection (the last 200). */
export const UnparsedRecord = z.object({
  at: z.number().describe('epoch ms when received'),
  topic: z.string(),
  /** Connection that delivered it: 'embedded' or an external connection id. */
  source: z.string(),
  reason: UnparsedReason,
  /** What exactly was wrong, for a person. */
  detail: z.string(),
  /** At most 120 bytes, control characters escaped; hex when it is not UTF-8. */
  preview: z.string(),
  size: z.number().int(),
  qos: z.number().int().min(0).max(2),
  retain: z.boolean(),
})
export type UnparsedRecord = z.infer<typeof UnparsedRecord>

export const IngestStats = z.object({
  since: z.number().describe('epoch ms when counting started'),
  messages: z.number().int(),
  /** Messages that yielded readings, a status, info or an event. */
  parsed: z.number().int(),
  /** Known traffic without data for us (commands, cleared retained topics, …). */
  ignored: z.number().int(),
  unparsed: z.number().int(),
  unparsedByReason: z.record(z.string(), z.number().int()),
  /** Readings stored. */
  readings: z.number().int(),
  /** QoS 1 redeliveries dropped (same device and seq with the same values). */
  duplicates: z.number().int(),
  /** Readings from retained messages without a device timestamp: shown as latest, not stored. */
  retainedNotStored: z.number().int(),
  lastMessageAt: z.number().nullable(),
})
export type IngestStats = z.infer<typeof IngestStats>

export const ingestMethods = {
  'ingest.stats': method(
    NoParams,
    IngestStats,
    'Counts of received, parsed, ignored and unparsed messages.',
  ),
  /** Newest first; optionally only one reason. */
  'ingest.unparsed': method(
    z
      .object({
        limit: z.number().int().min(1).max(200).default(200),
        reason: UnparsedReason.optional(),
      })
      .strict(),
    z.array(UnparsedRecord),
    'Recent messages that no parser could read, newest first.',
  ),
}

export const ingestEvents = {}
