import { z } from 'zod'
import { method, NoParams } from './define'

/** Influx identifiers we put into line protocol / InfluxQL unquoted-safe. */
const InfluxName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . -')

const InfluxCommon = {
  enabled: z.boolean(),
  /** InfluxDB 1.x (`/write?db=`) or 2.x (`/api/v2/write?org=&bucket=`). */
  version: z.enum(['1', '2']),
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// address' }),
  /** 1.x */
  database: InfluxName,
  /** 1.x; empty = the database's default retention policy. */
  retentionPolicy: z.union([InfluxName, z.literal('')]),
  /** 1.x; empty = no authentication. */
  username: z.string().max(100),
  /** 2.x */
  org: z.string().max(100),
  /** 2.x */
  bucket: z.string().max(100),
  /** Measurement for readings: tags `device`, `format`; fields = metrics (temperature, humidity, …). */
  measurement: InfluxName,
  /** Measurement for alert incidents: tags `rule`, `device`; fields `active` (1/0), `value`. */
  alertsMeasurement: InfluxName,
  /** 1.x: send `CREATE DATABASE` once before the first write (harmless when it exists). */
  createDatabase: z.boolean(),
  batchSize: z.number().int().min(1).max(10_000),
  flushIntervalS: z.number().min(0.05).max(300),
  /** On-disk queue while InfluxDB is unreachable; the oldest batches go first when full. */
  maxQueueMB: z.number().min(1).max(10_000),
}

/** Influx settings as shown to the UI: password and token never leave main once entered. */
export const InfluxConfigView = z.object({
  ...InfluxCommon,
  hasPassword: z.boolean(),
  hasToken: z.boolean(),
})
export type InfluxConfigView = z.infer<typeof InfluxConfigView>

/** Omitted password/token = keep the stored one; null = remove it. */
export const InfluxConfigInput = z
  .object({
    ...InfluxCommon,
    password: z.string().max(500).nullable().optional(),
    token: z.string().max(500).nullable().optional(),
  })
  .partial()
  .strict()
export type InfluxConfigInput = z.infer<typeof InfluxConfigInput>

export const InfluxStatus = z.object({
  state: z.enum(['off', 'idle', 'ok', 'retrying']),
  /** Last failure, for a person (no credentials). */
  lastError: z.string().nullable(),
  lastSuccessAt: z.number().nullable(),
  /** Lines written to InfluxDB since start. */
  sent: z.number().int(),
  /** Lines waiting in memory or in the on-disk queue. */
  pending: z.number().int(),
  queuedBytes: z.number().int(),
  /** Lines dropped because the on-disk queue was full. */
  dropped: z.number().int(),
  /** Lines InfluxDB refused as invalid (HTTP 400); retrying would not help. */
  rejected: z.number().int(),
})
export type InfluxStatus = z.infer<typeof InfluxStatus>

/** How readings become line protocol, for the Settings screen. */
export const InfluxMapping = z.object({
  measurement: z.string(),
  tags: z.array(z.object({ key: z.string(), meaning: z.string() })),
  fields: z.array(z.object({ key: z.string(), meaning: z.string() })),
  time: z.string(),
  /** Example lines built from the current devices' latest values. */
  example: z.array(z.string()),
})

export const HomeAssistantConfig = z.object({
  /** Publish retained discovery configs for every device with temperature/humidity. */
  enabled: z.boolean(),
  discoveryPrefix: z.string().regex(/^[A-Za-z0-9_-]+$/, 'one topic level'),
})
export type HomeAssistantConfig = z.infer<typeof HomeAssistantConfig>

export const HomeAssistantStatus = z.object({
  enabled: z.boolean(),
  /** Discovery configs published the last time. */
  published: z.number().int(),
  lastPublishedAt: z.number().nullable(),
  /** Why a device was not announced (e.g. Tasmota devices have their own HA integration). */
  skipped: z.array(z.object({ deviceId: z.string(), reason: z.string() })),
  lastError: z.string().nullable(),
})
export type HomeAssistantStatus = z.infer<typeof HomeAssistantStatus>

/**
 * Which of the app's MQTT connections carries Home Assistant discovery configs and alert
 * states. null = automatic: the connection the devices are on (the embedded broker when it
 * runs). Retained messages follow a change: removed where they were, published on the new one.
 */
export const MqttTarget = z.object({ connectionId: z.string().min(1).max(100).nullable() })
export type MqttTarget = z.infer<typeof MqttTarget>

/** The chosen connection, the one actually used, and the ones to choose from. */
export const MqttTargetStatus = z.object({
  connectionId: z.string().nullable(),
  /** What is used now (the choice, or the automatic one); null when there is no connection. */
  resolved: z.object({ id: z.string(), name: z.string(), connected: z.boolean() }).nullable(),
  options: z.array(z.object({ id: z.string(), name: z.string(), connected: z.boolean() })),
})
export type MqttTargetStatus = z.infer<typeof MqttTargetStatus>

export const IntegrationsView = z.object({
  influx: InfluxConfigView,
  homeAssistant: HomeAssistantConfig,
  mqtt: MqttTarget,
})
export type IntegrationsView = z.infer<typeof IntegrationsView>

/** Telegraf + Grafana files for the person's current setup. */
export const TigKit = z.object({
  files: z.array(z.object({ name: z.string(), mime: z.string(), content: z.string() })),
})

export const integrationsMethods = {
  'integrations.get': method(NoParams, IntegrationsView, 'InfluxDB and Home Assistant settings.'),
  'integrations.setInflux': method(
    InfluxConfigInput,
    IntegrationsView,
    'Change InfluxDB forwarding (omitted fields are kept).',
  ),
  'integrations.setHomeAssistant': method(
    HomeAssistantConfig.partial().strict(),
    IntegrationsView,
    'Change Home Assistant discovery publishing.',
  ),
  'integrations.setMqttTarget': method(
    MqttTarget.strict(),
    IntegrationsView,
    'Choose the MQTT connection for Home Assistant discovery and alert states (null = automatic).',
  ),
  'integrations.mqttTarget': method(
    NoParams,
    MqttTargetStatus,
    'Where Home Assistant discovery and alert states are published, and the choices.',
  ),
  'integrations.influxStatus': method(NoParams, InfluxStatus, 'InfluxDB forwarding status.'),
  'integrations.influxMapping': method(
    NoParams,
    InfluxMapping,
    'How readings map to measurement, tags and fields.',
  ),
  /** Pings InfluxDB with the saved settings and checks that writes are accepted. */
  'integrations.testInflux': method(
    NoParams,
    z.object({ ok: z.boolean(), message: z.string() }),
    'Check the InfluxDB connection and credentials.',
  ),
  'integrations.haStatus': method(
    NoParams,
    HomeAssistantStatus,
    'Home Assistant discovery status.',
  ),
  /** Publishes all discovery configs now (also done when HA sends its `online` birth message). */
  'integrations.haRepublish': method(NoParams, HomeAssistantStatus, 'Republish discovery configs.'),
  'integrations.tigKit': method(
    z
      .object({
        /** Broker address Telegraf should use; default: this computer's LAN address. */
        brokerHost: z.string().min(1).max(253).optional(),
      })
      .strict(),
    TigKit,
    'Generate telegraf.conf and a Grafana dashboard for the current setup.',
  ),
}

export const integrationsEvents = {
  /** InfluxDB forwarding state changed (at most about once a second). */
  'integrations.influxStatusChanged': InfluxStatus,
  'integrations.changed': IntegrationsView,
}
