/**
 * What the payload parsers produce. Parsers are total: every (topic, bytes) pair maps to
 * exactly one ParseOutcome, and none of them throws.
 */

/** Which convention a device speaks; shown in the device list. */
export const SOURCE_FORMATS = [
  'ours',
  'seed',
  'json',
  'tasmota',
  'homeassistant',
  'number',
  'esphome',
  'shelly',
  'zigbee2mqtt',
  'ble',
  /** Readings from a topic a person mapped to a device by hand (ingest.mappings). */
  'mapped',
] as const
export type SourceFormat = (typeof SOURCE_FORMATS)[number]

/**
 * One measured value, in the unit of its canonical metric (src/shared/metrics.ts: °C, %RH,
 * hPa, V, W, kWh…); other metrics as the device sent them.
 */
export interface ParsedReading {
  /** 'temperature', 'humidity' or a generic metric name (`[a-z0-9_]`, ≤ 48 chars). */
  metric: string
  value: number
  /** The sensor that measured it, when the payload names one (Tasmota's `"AM2301": {…}`). */
  sensor?: string
}

/** Descriptive fields a device reports about itself (our `info` topic, Tasmota INFO/STATE, HA device). */
export interface ReportedInfo {
  name?: string
  fw?: string
  mp?: string
  chip?: string
  sensor?: string
  ip?: string
  mac?: string
  rssi?: number
}

/** A device event (our `<prefix>/<id>/event`): errors and acknowledgements. */
export interface ParsedEvent {
  /** e.g. 'sensor_error', 'buffer_flushed', 'cmd_applied'; 'event' when the device gave none. */
  type: string
  level: 'info' | 'warn' | 'error'
  message: string | null
  /** The JSON payload, re-serialised and truncated to 1,000 characters. */
  raw: string
}

/** Everything one message says about one device. */
export interface DeviceUpdate {
  deviceId: string
  format: SourceFormat
  readings: ParsedReading[]
  /** Epoch ms the device stamped the readings with, when it did so plausibly. */
  ts?: number
  /** The device time it gave when that was not plausible (clock not set yet): arrival time is used. */
  rejectedTs?: number
  /** Message sequence number (our telemetry), used to drop QoS 1 redeliveries. */
  seq?: number
  /** From a status/LWT/availability topic. */
  online?: boolean
  info?: ReportedInfo
  event?: ParsedEvent
}

/** Why a message could not be read; each is counted separately in ingest.stats. */
export const UNPARSED_REASONS = [
  'empty',
  'too-large',
  'binary',
  'too-deep',
  'invalid-json',
  'non-finite',
  'no-numeric-fields',
  'bad-status',
  'bad-ha-config',
  'unsupported-template',
  'template-no-value',
  'unrecognised',
  'internal',
] as const
export type UnparsedReason = (typeof UNPARSED_REASONS)[number]

export type ParseOutcome =
  | { kind: 'parsed'; updates: DeviceUpdate[] }
  /** Known traffic that carries no data for us (commands, cleared retained topics, …). */
  | { kind: 'ignored'; reason: string }
  | { kind: 'unparsed'; reason: UnparsedReason; detail: string }

export function unparsed(reason: UnparsedReason, detail: string): ParseOutcome {
  return { kind: 'unparsed', reason, detail }
}

export function ignored(reason: string): ParseOutcome {
  return { kind: 'ignored', reason }
}

export function parsed(...updates: DeviceUpdate[]): ParseOutcome {
  return { kind: 'parsed', updates }
}
