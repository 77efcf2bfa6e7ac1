/**
 * What the installer writes onto a board (DESIGN.md "Device configuration"): the one
 * schema both the contract (`installer.run`) and the provisioning service validate with.
 */
import { z } from 'zod'
import { DEFAULT_PREFIX, isValidDeviceId } from '../topics'

/** Publishable topic levels: no wildcards, no empty level (firmware config.py `_topic`). */
export const PublishTopic = z
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

export const SafeText = (max: number) =>
  z.string().max(max).refine(wellFormed, 'invalid characters')

/**
 * Credentials: any Unicode, but no control characters (no Wi-Fi or MQTT password has
 * them), which also keeps every secret on one line for the redactor.
 */
export const Credential = (max: number) =>
  SafeText(max).refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c === '\x7f'),
    'control characters are not allowed',
  )

export const DeviceIdText = z
  .string()
  .refine(isValidDeviceId, 'letters, digits, "_", "." and "-" only (max 64)')

export const SensorType = z.enum(['DHT11', 'DHT22'])
export const SensorConfig = z.object({
  type: SensorType,
  /** GPIO number of the sensor's data line. */
  pin: z.number().int().min(0).max(48),
})

/** Reporting policy (firmware config `report`); omitted keys keep the firmware defaults. */
export const ReportConfig = z.object({
  intervalS: z.number().min(1).max(86_400).optional(),
  deltaT: z.number().min(0).max(100).optional(),
  deltaH: z.number().min(0).max(100).optional(),
  maxSilenceS: z.number().min(10).max(604_800).optional(),
})

export const WifiConfig = z.object({
  ssid: Credential(32).min(1),
  /** Empty for an open network. */
  password: Credential(64),
})

/** What the installer wizard collects (DESIGN.md "Device configuration"). */
export const ProvisionInputSchema = z.object({
  deviceName: SafeText(128).min(1),
  /** Default: "esp32-" + the last 6 hex digits of the board's MAC. */
  deviceId: DeviceIdText.optional(),
  prefix: PublishTopic.default(DEFAULT_PREFIX),
  wifi: WifiConfig,
  mqtt: z.object({
    host: SafeText(128).min(1),
    port: z.number().int().min(1).max(65535).optional(),
    tls: z.boolean().default(false),
    username: Credential(128).optional(),
    password: Credential(256).optional(),
    /** PEM text of the CA to trust; copied to the board as ca.pem. */
    ca: z.string().max(16_384).optional(),
    keepalive: z.number().int().min(10).max(3600).optional(),
    qos: z.union([z.literal(0), z.literal(1)]).optional(),
  }),
  sensor: SensorConfig,
  report: ReportConfig.default({}),
  legacyTopic: PublishTopic.nullable().default(null),
  haDiscovery: z.boolean().default(false),
  /** The board's key for signed over-the-air updates (docs/ota.md): 64 hex, into secrets.py. */
  otaKey: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional(),
})
export type ProvisionInput = z.input<typeof ProvisionInputSchema>
export type ProvisionSettings = z.output<typeof ProvisionInputSchema>
