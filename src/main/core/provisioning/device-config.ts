import { z } from 'zod'
import { DEFAULT_PREFIX, isValidDeviceId } from '../../../shared/topics'
import { pyStr } from './python-literals'

/** Publishable topic levels: no wildcards, no empty level (firmware config.py `_topic`). */
const topic = z
  .string()
  .min(1)
  .max(128)
  .refine((t) => !/[+#]/.test(t) && !t.split('/').includes(''), 'not a publishable MQTT topic')

/** Well-formed Unicode (no lone surrogates), so it encodes to UTF-8 and back unchanged. */
function wellFormed(s: string): boolean {
  try {
    encodeURIComponent(s)
    return true
  } catch {
    return false
  }
}

const text = (max: number) => z.string().max(max).refine(wellFormed, 'invalid characters')

/**
 * Credentials: any Unicode, but no control characters (no Wi-Fi or MQTT password has
 * them), which also keeps every secret on one line for the redactor.
 */
const credential = (max: number) =>
  text(max).refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f'),
    'control characters are not allowed',
  )

/** What the installer wizard collects (DESIGN.md "Device configuration"). */
export const ProvisionInputSchema = z.object({
  deviceName: text(128).min(1),
  /** Default: "esp32-" + the last 6 hex digits of the board's MAC. */
  deviceId: z
    .string()
    .refine(isValidDeviceId, 'letters, digits, "_", "." and "-" only (max 64)')
    .optional(),
  prefix: topic.default(DEFAULT_PREFIX),
  wifi: z.object({
    ssid: credential(32).min(1),
    /** Empty for an open network. */
    password: credential(64),
  }),
  mqtt: z.object({
    host: text(128).min(1),
    port: z.number().int().min(1).max(65535).optional(),
    tls: z.boolean().default(false),
    username: credential(128).optional(),
    password: credential(256).optional(),
    /** PEM text of the CA to trust; copied to the board as ca.pem. */
    ca: z.string().max(16_384).optional(),
    keepalive: z.number().int().min(10).max(3600).optional(),
    qos: z.union([z.literal(0), z.literal(1)]).optional(),
  }),
  sensor: z.object({
    type: z.enum(['DHT11', 'DHT22']),
    pin: z.number().int().min(0).max(48),
  }),
  report: z
    .object({
      intervalS: z.number().min(1).max(86_400).optional(),
      deltaT: z.number().min(0).max(100).optional(),
      deltaH: z.number().min(0).max(100).optional(),
      maxSilenceS: z.number().min(10).max(604_800).optional(),
    })
    .default({}),
  legacyTopic: topic.nullable().default(null),
  haDiscovery: z.boolean().default(false),
})
export type ProvisionInput = z.input<typeof ProvisionInputSchema>
export type ProvisionSettings = z.output<typeof ProvisionInputSchema>

/** Default device id (DESIGN.md MQTT section): "esp32-" + last 6 hex of the MAC. */
export function defaultDeviceId(macHex: string): string {
  return `esp32-${macHex
    .replace(/[^0-9a-f]/gi, '')
    .slice(-6)
    .toLowerCase()}`
}

/** config.json exactly in the design's schema and key order; never contains a secret. */
export function buildConfigJson(settings: ProvisionSettings, deviceId: string): string {
  const { mqtt, report } = settings
  const config = {
    device_id: deviceId,
    name: settings.deviceName,
    prefix: settings.prefix,
    mqtt: {
      host: mqtt.host,
      port: mqtt.port ?? (mqtt.tls ? 8883 : 1883),
      tls: mqtt.tls,
      ...(mqtt.ca ? { ca: 'ca.pem' } : {}),
      ...(mqtt.keepalive !== undefined ? { keepalive: mqtt.keepalive } : {}),
      ...(mqtt.qos !== undefined ? { qos: mqtt.qos } : {}),
    },
    sensor: { type: settings.sensor.type, pin: settings.sensor.pin },
    report: {
      ...(report.intervalS !== undefined ? { interval_s: report.intervalS } : {}),
      ...(report.deltaT !== undefined ? { delta_t: report.deltaT } : {}),
      ...(report.deltaH !== undefined ? { delta_h: report.deltaH } : {}),
      ...(report.maxSilenceS !== undefined ? { max_silence_s: report.maxSilenceS } : {}),
    },
    legacy_topic: settings.legacyTopic,
    ha_discovery: settings.haDiscovery,
  }
  return `${JSON.stringify(config, null, 2)}\n`
}

/**
 * secrets.py: four assignments of ASCII-only Python string literals (see pyStr), so
 * quotes, backslashes, newlines and any Unicode in a password arrive exactly.
 */
export function buildSecretsPy(settings: ProvisionSettings, deviceId: string): string {
  return [
    `# Written by the installer for ${deviceId}. Keep private: never commit or share.`,
    `WIFI_SSID = ${pyStr(settings.wifi.ssid)}`,
    `WIFI_PASSWORD = ${pyStr(settings.wifi.password)}`,
    `MQTT_USER = ${pyStr(settings.mqtt.username ?? '')}`,
    `MQTT_PASSWORD = ${pyStr(settings.mqtt.password ?? '')}`,
    '',
  ].join('\n')
}

/** The values that must never appear in logs, progress or errors. */
export function secretValues(settings: ProvisionSettings): string[] {
  return [settings.wifi.password, settings.mqtt.password ?? ''].filter((s) => s !== '')
}
