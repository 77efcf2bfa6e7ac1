import { z } from 'zod'
import { UNPARSED_REASONS } from '../parsers/types'
import { method, NoParams, Ok } from './define'

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

/**
 * Messages the cluster lost (README "Scaling out"): what this instance's watch connection saw
 * since it started that no ingest instance acknowledged as stored within `windowMs`. Every
 * ingest instance counts (the survivors of a killed one count its loss); only `--role ingest`.
 */
export const ClusterLoss = z.object({
  /** This instance is the alert leader: it logs the figures once per interval. */
  leader: z.boolean(),
  /** How long a message may go unacknowledged before it counts as lost (ms). */
  windowMs: z.number().int(),
  /**
   * Messages no instance acknowledged in time. May include up to one acknowledgement
   * interval (250 ms) of messages an instance stored just before it was killed.
   */
  lost: z.number().int(),
  /** Messages not followed because the window was full: neither verified nor counted lost. */
  unverified: z.number().int(),
  /** Acknowledgements that came after their message was counted lost (taken back from `lost`). */
  late: z.number().int(),
  /** Messages matched with an acknowledgement. */
  verified: z.number().int(),
  /** Messages and acknowledgements in the window now, out of `capacity`. */
  held: z.number().int(),
  capacity: z.number().int(),
  /** Messages on the acknowledgement topic that were not acknowledgements. */
  badAcks: z.number().int(),
  /** This instance's acknowledgements given up while the broker was unreachable. */
  ackDropped: z.number().int(),
  /** Devices with the most recent loss first (at most 20). */
  recent: z.array(z.object({ deviceId: z.string(), lost: z.number().int(), lastAt: z.number() })),
})
export type ClusterLoss = z.infer<typeof ClusterLoss>

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
  /**
   * Readings outside what their sensor can measure (e.g. −639,155 °C, or 95 %RH from a
   * DHT11): not stored, reported as a `sensor_error` event of the device instead.
   */
  outOfRange: z.number().int(),
  /**
   * Messages whose device time was not believed (a clock not set yet: months or years off):
   * their readings are stored with arrival time, and the device gets a `clock_not_set` warning.
   */
  deviceTimeIgnored: z.number().int(),
  lastMessageAt: z.number().nullable(),
  /**
   * What the data path had to give up, by kind, never silently: `uiReadings` (readings left
   * out of a bounded live batch to the UI; they are stored), `storeFailed` (readings a failed
   * database write lost), `unparsedEvicted` (unparsed samples beyond the kept 200),
   * `topicsEvicted` (topic-explorer entries forgotten past its cap), `devicesRefused`
   * (messages for new devices past the registry's cap).
   */
  shed: z.record(z.string(), z.number().int()),
  /** The queue between the broker and storage. */
  backlog: z.object({
    /** Messages received and not yet stored. */
    queued: z.number().int(),
    /** Above this many queued messages the broker stops reading device sockets. */
    highWater: z.number().int(),
    /** True while the broker is holding publishers back (TCP backpressure). */
    paused: z.boolean(),
    /** How many times publishers were held back since start. */
    pauses: z.number().int(),
  }),
  /**
   * How late data is, in ms, over the last second: for messages that carry a device
   * timestamp, arrival − device time beyond that device's usual clock offset, the median over
   * the devices heard (so one board replaying its offline spool does not count as the app
   * being late); 0 when idle or when no device sends timestamps (then `backlog.paused` is
   * the sign of overload). Messages are stored as they arrive, so the delay is upstream: in
   * socket buffers while the app is saturated. The UI warns when it exceeds a few seconds.
   */
  lagMs: z.number(),
  /** Stored readings per second over the last second. */
  readingsPerS: z.number(),
  /** Cluster loss count (`--role ingest` only). */
  cluster: ClusterLoss.optional(),
})
export type IngestStats = z.infer<typeof IngestStats>

/**
 * A topic a person mapped to a device and metric by hand (Topics screen, "Map to device…"),
 * for formats no built-in rule reads. It takes precedence over every rule.
 */
export const TopicMapping = z
  .object({
    /** Exact topic: no wildcards, not a broker `$` topic. */
    topic: z
      .string()
      .min(1)
      .max(512)
      .refine((t) => !/[#+]/.test(t) && !t.includes('\u0000') && !t.startsWith('$'), {
        message: 'an exact topic: no + or # wildcards, not a $ topic',
      }),
    /** Existing or new device id. */
    deviceId: z.string().regex(/^[A-Za-z0-9_.~-]{1,80}$/, 'letters, digits, _ . ~ - only'),
    /** e.g. `temperature` (°C), `humidity` (%), or any other `[a-z0-9_]` name. */
    metric: z.string().regex(/^[a-z0-9_]{1,48}$/, 'lower-case letters, digits and _ only'),
    /** For JSON object payloads: the top-level field that holds the number. */
    field: z.string().min(1).max(64).optional(),
  })
  .strict()
export type TopicMapping = z.infer<typeof TopicMapping>

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
  'ingest.mappings.list': method(
    NoParams,
    z.array(TopicMapping),
    'Topics mapped to a device and metric by hand.',
  ),
  /** Creates or replaces the mapping of `topic`; applies to the next message on it. */
  'ingest.mappings.set': method(
    TopicMapping,
    TopicMapping,
    'Map a topic to a device and metric by hand (replaces an earlier mapping of that topic).',
  ),
  'ingest.mappings.remove': method(
    z.object({ topic: z.string().min(1).max(512) }).strict(),
    Ok,
    'Forget the hand-made mapping of a topic; its messages are read by the built-in rules again.',
  ),
}

export const ingestEvents = {
  /** Ingest counters, backlog and lag, about once a second while messages flow (and once when they stop). */
  'ingest.stats': IngestStats,
}
