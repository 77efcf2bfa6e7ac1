import { z } from 'zod'
import { method, NoParams, Ok } from './define'

/** Built-in connection of the app's own client to the embedded broker. */
export const EMBEDDED_CONNECTION_ID = 'embedded'

const Qos = z.union([z.literal(0), z.literal(1), z.literal(2)])

/** MQTT topic filter (MQTT 3.1.1 §4.7): wildcards allowed, no empty filter. */
const TopicFilter = z.string().min(1).max(65535)
/** Topic name to publish to (MQTT 3.1.1 §4.7.3): no wildcards. */
const TopicName = z
  .string()
  .min(1)
  .max(65535)
  .refine((t) => !/[+#]/.test(t), 'a topic to publish to has no wildcards (+, #)')

export const Subscription = z.object({ topic: TopicFilter, qos: Qos.default(1) })

const BrokerUrl = z
  .string()
  .refine(
    (u) => /^(mqtts?|wss?):\/\/[^/\s]+/.test(u),
    'a URL like mqtt://host:1883, mqtts://, ws:// or wss://',
  )

/** A week: long enough for a laptop closed over a weekend, short enough not to pile up forever. */
export const DEFAULT_SESSION_EXPIRY_S = 7 * 24 * 3600
/** 0 … 0xFFFFFFFF seconds (the last value means "never expires", MQTT 5 §3.1.2.11.2). */
const SessionExpiry = z.number().int().min(0).max(0xffffffff)

/** What a person enters for an external broker. Secrets go in, never come back out. */
export const ConnectionInput = z
  .object({
    name: z.string().min(1).max(100),
    url: BrokerUrl,
    username: z.string().max(1000).optional(),
    password: z.string().max(1000).optional(),
    /** 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    /** Stable client id; generated when omitted so a persistent session survives restarts. */
    clientId: z.string().min(1).max(128).optional(),
    /** false = persistent session: QoS ≥ 1 messages sent while the app was away are kept. */
    clean: z.boolean().default(false),
    /**
     * MQTT 5 only: how long the broker keeps a persistent session (subscriptions and queued
     * QoS ≥ 1 messages) after the app disconnects, in seconds (§3.1.2.11.2). MQTT 5 drops
     * the session at disconnect unless this is set; 3.1.1 keeps it until the broker chooses.
     */
    sessionExpiryS: SessionExpiry.default(DEFAULT_SESSION_EXPIRY_S),
    subscriptions: z
      .array(Subscription)
      .max(100)
      .default([{ topic: '#', qos: 1 }]),
    /** PEM of the CA that signed the broker's certificate (for self-signed brokers). */
    ca: z.string().max(100_000).optional(),
    /** Client certificate and key (PEM) for brokers that require mutual TLS. */
    cert: z.string().max(100_000).optional(),
    key: z.string().max(100_000).optional(),
    /** Off only for testing against a broker whose certificate can't be verified. */
    rejectUnauthorized: z.boolean().default(true),
    enabled: z.boolean().default(true),
  })
  .strict()
export type ConnectionInput = z.infer<typeof ConnectionInput>

export const ConnectionStatus = z.enum(['disabled', 'connecting', 'connected', 'reconnecting'])
export type ConnectionStatus = z.infer<typeof ConnectionStatus>

export const ConnectionState = z.object({
  status: ConnectionStatus,
  /** Last failure in words: "auth refused: …", "TLS untrusted: …", "host unreachable: …". */
  lastError: z.string().nullable(),
  lastErrorAt: z.number().nullable(),
  connectedAt: z.number().nullable(),
  /** When the next attempt is due while reconnecting (epoch ms). */
  nextAttemptAt: z.number().nullable(),
  attempts: z.number().int().min(0),
})
export type ConnectionState = z.infer<typeof ConnectionState>

/** A connection as the UI sees it: secrets replaced by flags. */
export const Connection = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  protocolVersion: z.union([z.literal(4), z.literal(5)]),
  clientId: z.string(),
  clean: z.boolean(),
  /** MQTT 5 session expiry in seconds (see ConnectionInput). */
  sessionExpiryS: z.number().int(),
  subscriptions: z.array(z.object({ topic: z.string(), qos: Qos })),
  hasCa: z.boolean(),
  hasClientCert: z.boolean(),
  rejectUnauthorized: z.boolean(),
  enabled: z.boolean(),
  /** true for the built-in connection to the embedded broker (not editable). */
  builtIn: z.boolean(),
  state: ConnectionState,
})
export type Connection = z.infer<typeof Connection>

/** A change: omitted fields stay; `password: null` (or ca/cert/key null) removes the secret. */
export const ConnectionPatch = z
  .object({
    id: z.string(),
    name: ConnectionInput.shape.name.optional(),
    url: BrokerUrl.optional(),
    username: z.string().max(1000).nullable().optional(),
    password: z.string().max(1000).nullable().optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).optional(),
    clientId: z.string().min(1).max(128).optional(),
    clean: z.boolean().optional(),
    sessionExpiryS: SessionExpiry.optional(),
    subscriptions: z.array(Subscription).max(100).optional(),
    ca: z.string().max(100_000).nullable().optional(),
    cert: z.string().max(100_000).nullable().optional(),
    key: z.string().max(100_000).nullable().optional(),
    rejectUnauthorized: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
export type ConnectionPatch = z.infer<typeof ConnectionPatch>

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  error: z.string().nullable(),
  latencyMs: z.number().nullable(),
})

/** A payload shown safely: text when it is printable UTF-8, else a hex preview. */
export const PayloadPreview = z.object({
  encoding: z.enum(['utf8', 'hex']),
  text: z.string(),
  bytes: z.number().int().min(0),
  truncated: z.boolean(),
})
export type PayloadPreview = z.infer<typeof PayloadPreview>

export const TopicSummary = z.object({
  topic: z.string(),
  count: z.number().int().min(0),
  lastAt: z.number(),
  retained: z.boolean(),
  qos: Qos,
  /** Which connection last delivered it ('embedded' or an external connection id). */
  source: z.string(),
  payload: PayloadPreview,
})
export type TopicSummary = z.infer<typeof TopicSummary>

export const TopicList = z.object({
  topics: z.array(TopicSummary),
  /** Topics known in total (the list may be filtered or limited). */
  total: z.number().int().min(0),
  /** Least recently updated topics are forgotten beyond this many. */
  cap: z.number().int(),
  evicted: z.number().int().min(0),
})

export const PublishParams = z
  .object({
    topic: TopicName,
    payload: z.string().max(256 * 1024),
    /** How `payload` is written: plain text, or hex / base64 for binary. */
    encoding: z.enum(['utf8', 'hex', 'base64']).default('utf8'),
    qos: Qos.default(0),
    retain: z.boolean().default(false),
    connectionId: z.string().default(EMBEDDED_CONNECTION_ID),
  })
  .strict()

export const DeviceCommandParams = z
  .object({
    deviceId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    /** Sent as JSON on `<prefix>/<id>/cmd`, e.g. {"cmd":"set","interval":10}; an "id" is added. */
    command: z.object({ cmd: z.string().min(1) }).catchall(z.unknown()),
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict()

/** The firmware's ack on `<prefix>/<id>/event`: {"event":"ack","cmd","ok","ref",…}. */
export const DeviceCommandResult = z.object({
  ok: z.boolean(),
  error: z.string().nullable(),
  ack: z.record(z.string(), z.unknown()),
  latencyMs: z.number(),
})

const ById = z.object({ id: z.string() }).strict()

export const connectionsMethods = {
  'connections.list': method(
    NoParams,
    z.array(Connection),
    'MQTT connections (built-in and external) with their state.',
  ),
  'connections.add': method(ConnectionInput, Connection, 'Add an external broker connection.'),
  'connections.update': method(
    ConnectionPatch,
    Connection,
    'Change an external connection; it reconnects.',
  ),
  'connections.remove': method(ById, Ok, 'Remove an external connection.'),
  'connections.test': method(
    ConnectionInput,
    ConnectionTestResult,
    'Try to connect once with these settings and say why it failed.',
  ),
  'topics.list': method(
    z
      .object({
        /** MQTT topic filter, e.g. `iot/#`; default all. */
        filter: TopicFilter.optional(),
        limit: z.number().int().min(1).max(10_000).default(1000),
      })
      .strict(),
    TopicList,
    'Topics seen, with message count, last payload, retained flag and QoS.',
  ),
  'mqtt.publish': method(PublishParams, Ok, 'Publish one message through a connection.'),
  'devices.command': method(
    DeviceCommandParams,
    DeviceCommandResult,
    'Send a JSON command to one of our devices and wait for its ack.',
  ),
}

export const connectionsEvents = {
  /** A connection's state changed (connected, reconnecting with the last error, …). */
  'connection.changed': Connection,
  /** Topics updated since the last batch (at most 20 batches a second). */
  'topics.updated': z.object({ topics: z.array(TopicSummary), total: z.number().int() }),
}
