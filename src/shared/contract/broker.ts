import { z } from 'zod'
import { method, NoParams, Ok } from './define'

const Port = z.number().int().min(0).max(65535)

/** One socket the embedded broker accepts MQTT on. */
export const BrokerListener = z.object({
  kind: z.enum(['tcp', 'ws', 'tls']),
  /** Bound address (0.0.0.0 = every interface). */
  host: z.string(),
  port: Port,
  tls: z.boolean(),
})
export type BrokerListener = z.infer<typeof BrokerListener>

/** Live numbers of the embedded broker, pushed about once a second. */
export const BrokerStats = z.object({
  running: z.boolean(),
  clientsConnected: z.number().int().min(0),
  /** PUBLISH packets received from clients per second (last second). */
  msgInPerS: z.number().min(0),
  /** PUBLISH packets delivered to subscribers per second (last second). */
  msgOutPerS: z.number().min(0),
  retainedCount: z.number().int().min(0),
  uptimeS: z.number().min(0),
})
export type BrokerStats = z.infer<typeof BrokerStats>

/** What the embedded broker accepts; a client breaking one of these is disconnected. */
export const BrokerLimits = z.object({
  /** Topic levels a PUBLISH or SUBSCRIBE may have (aedes' ceiling; Mosquitto 2.0's is 201). */
  maxTopicLevels: z.number().int().min(1),
  /** Largest MQTT packet from an authenticated client (settings.broker.maxPacketBytes). */
  maxPacketBytes: z.number().int().min(1),
  /** Largest packet before a client has authenticated, its CONNECT included. */
  maxPacketBytesBeforeAuth: z.number().int().min(1),
})
export type BrokerLimits = z.infer<typeof BrokerLimits>

export const BrokerStatus = BrokerStats.extend({
  listeners: z.array(BrokerListener),
  /** This computer's IPv4 LAN addresses: what a device should use as `mqtt.host`. */
  lanAddresses: z.array(z.string()),
  anonymousLoopback: z.boolean(),
  limits: BrokerLimits,
  /** Things the person should know, e.g. "port 1883 was taken, using 40123 instead". */
  warnings: z.array(z.string()),
})
export type BrokerStatus = z.infer<typeof BrokerStatus>

/** Most extra topic filters one login may carry. */
export const MAX_ALLOW_FILTERS = 32
/** Longest extra topic filter, in characters. */
export const MAX_ALLOW_FILTER_LENGTH = 256

/**
 * Extra topics a login may publish to and subscribe to beside its own `<prefix>/<id>/…`:
 * exact topics (`home/sensors/temp_hum`) or filters (`home/sensors/#`, `home/+/temp`).
 * The broker refuses `$…` topics, a bare `#`, a wildcard first level, and anything
 * reaching into another device's `<prefix>/<id>/…` (see broker `extra-topics.ts`).
 */
export const AllowList = z
  .array(z.string().min(1).max(MAX_ALLOW_FILTER_LENGTH))
  .max(MAX_ALLOW_FILTERS)

/** A device's broker account as listed: the password is never shown again after issue. */
export const DeviceCredential = z.object({
  deviceId: z.string(),
  username: z.string(),
  createdAt: z.number().describe('epoch ms'),
  /** Extra topics this login may use (empty: only its own `<prefix>/<id>/…`). */
  allow: z.array(z.string()),
  /** The seed-format topic the installer provisioned the board with, if any. */
  legacyTopic: z.string().optional(),
})
export type DeviceCredential = z.infer<typeof DeviceCredential>

/** Returned once, when issued: the only time the password leaves the app. */
export const IssuedCredential = DeviceCredential.extend({ password: z.string() })
export type IssuedCredential = z.infer<typeof IssuedCredential>

const DeviceId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only')
const DeviceIdParam = z.object({ deviceId: DeviceId }).strict()
const IssueParams = z.object({ deviceId: DeviceId, allow: AllowList.optional() }).strict()
const UpdateParams = z.object({ username: z.string().min(1).max(128), allow: AllowList }).strict()

/** One kind of refusal: this login (client id) tried this topic, `count` times so far. */
export const Refusal = z.object({
  /** The login's user name; null for a client without one (anonymous loopback). */
  username: z.string().nullable(),
  clientId: z.string(),
  action: z.enum(['publish', 'subscribe']),
  /** The topic published to, or the filter subscribed to (cut at 256 characters). */
  topic: z.string(),
  count: z.number().int().min(1),
  lastAt: z.number().describe('epoch ms'),
})
export type Refusal = z.infer<typeof Refusal>

/**
 * Recent refusals, most recent first. Bounded: the oldest distinct entries are dropped
 * (`total` still counts them), so a client trying random topics can't grow memory.
 */
export const RefusalSummary = z.object({
  entries: z.array(Refusal),
  /** Every refused publish and subscription since the app started. */
  total: z.number().int().min(0),
  /** Of `total`, refused publishes (each also closed that client's connection). */
  publishes: z.number().int().min(0),
})
export type RefusalSummary = z.infer<typeof RefusalSummary>

export const CaCertificate = z.object({
  pem: z.string(),
  /** SHA-256 fingerprint, colon-separated hex, to compare on the device side. */
  fingerprint: z.string(),
  /** Host names and addresses the broker's certificate is valid for. */
  serverNames: z.array(z.string()),
})

export const brokerMethods = {
  'broker.status': method(
    NoParams,
    BrokerStatus,
    'Listeners, clients, message rates and LAN addresses of the embedded broker.',
  ),
  'broker.credentials.list': method(
    NoParams,
    z.array(DeviceCredential),
    'Devices that have a broker account.',
  ),
  'broker.credentials.issue': method(
    IssueParams,
    IssuedCredential,
    'Create (or replace) the broker account of a device, with optional extra topics (`allow`); the password is returned only now.',
  ),
  'broker.credentials.update': method(
    UpdateParams,
    DeviceCredential,
    "Replace a login's extra topics (`allow`); connected clients get the new list at once.",
  ),
  'broker.refusals.list': method(
    NoParams,
    RefusalSummary,
    'Recent refused publishes and subscriptions per login (topic, count, last time).',
  ),
  'broker.credentials.revoke': method(
    DeviceIdParam,
    Ok,
    "Delete a device's broker account; it can no longer connect.",
  ),
  'broker.ca': method(
    NoParams,
    CaCertificate,
    "The app's CA certificate (PEM), to copy onto devices for TLS.",
  ),
}

export const brokerEvents = {
  /** Embedded broker numbers, about once a second while it runs. */
  'broker.stats': BrokerStats,
  /** The refusal summary, at most about once a second while refusals happen. */
  'broker.refusals': RefusalSummary,
}
