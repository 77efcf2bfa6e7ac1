import { z } from 'zod'
import { method, NoParams } from './define'

const Port = z.number().int().min(0).max(65535)

/** UI fields without defaults: zod 4's `.partial()` would still fill defaults in a patch. */
const uiFields = {
  theme: z.enum(['system', 'light', 'dark']),
  units: z.enum(['C', 'F']),
}

export const UiSettings = z.object({
  theme: uiFields.theme.default('system'),
  units: uiFields.units.default('C'),
})

/** Broker fields without defaults: zod 4's `.partial()` would still fill defaults in a patch. */
const brokerFields = {
  /** Run the embedded broker (aedes). Off when only external brokers are used. */
  embedded: z.boolean(),
  /** TCP port for devices; 0 picks a free port at start. */
  port: Port,
  /** Address the LAN listener binds; devices on the LAN need 0.0.0.0 or this computer's address. */
  bindHost: z.string().min(1),
  /** Optional MQTT-over-WebSocket listener; null = off. */
  wsPort: Port.nullable(),
  tls: z.object({ enabled: z.boolean().default(false), port: Port.default(8883) }),
  /** Let unauthenticated clients connect from 127.0.0.1 only (local tools such as mosquitto_sub). */
  allowAnonymousLoopback: z.boolean(),
  /**
   * Largest MQTT packet an authenticated client may send, in bytes after the fixed header
   * (its Remaining Length, MQTT 3.1.1 §2.2.3); a bigger one closes its
   * connection (MQTT 3.1.1 has no refusal code for it). Bounds what one connection can make
   * the broker buffer. Before authentication a fixed 64 KiB applies.
   */
  maxPacketBytes: z
    .number()
    .int()
    .min(16 * 1024)
    // The largest Remaining Length MQTT can encode.
    .max(268_435_455),
}

export const BrokerSettings = z.object({
  embedded: brokerFields.embedded.default(true),
  port: brokerFields.port.default(1883),
  bindHost: brokerFields.bindHost.default('0.0.0.0'),
  wsPort: brokerFields.wsPort.default(null),
  tls: brokerFields.tls.default({ enabled: false, port: 8883 }),
  allowAnonymousLoopback: brokerFields.allowAnonymousLoopback.default(false),
  // 256 KiB: far above telemetry, discovery configs and commands; small enough that
  // thousands of connections can't be made to buffer gigabytes.
  maxPacketBytes: brokerFields.maxPacketBytes.default(256 * 1024),
})

const Days = (max: number): z.ZodNumber => z.number().int().min(1).max(max)

/** Storage fields without defaults: zod 4's `.partial()` would still fill defaults in a patch. */
const storageFields = {
  /** Raw readings (every message as received) older than this are deleted. */
  retentionDays: Days(3650),
  /** Per-minute summaries older than this are deleted. */
  minuteRetentionDays: Days(3650),
  /** Per-hour summaries older than this are deleted. */
  hourRetentionDays: Days(36_500),
}

/**
 * Retention per storage tier. Raw readings serve short ranges and export; the per-minute and
 * per-hour summaries (min/avg/max/count) serve longer charts and cost far less space, so they
 * are kept longer. A chart whose range the raw tier no longer holds is drawn from a summary.
 */
export const StorageSettings = z.object({
  retentionDays: storageFields.retentionDays.default(90),
  minuteRetentionDays: storageFields.minuteRetentionDays.default(365),
  hourRetentionDays: storageFields.hourRetentionDays.default(3650),
})

/** History fields without defaults: zod 4's `.partial()` would still fill defaults in a patch. */
const historyFields = {
  /**
   * Where readings history is written and read: this computer's SQLite file, or the InfluxDB
   * set up under Integrations (1.x or 2.x, its URL, database or bucket and credentials). Read
   * at start: a change applies after a restart. `serve --history` overrides it.
   */
  store: z.enum(['sqlite', 'influx']),
}

export const HistorySettings = z.object({ store: historyFields.store.default('sqlite') })

/** Device fields without defaults: zod 4's `.partial()` would still fill defaults in a patch. */
const deviceFields = {
  /** Topic prefix our firmware publishes under (`<prefix>/<id>/telemetry`). */
  prefix: z.string().regex(/^[^#+/][^#+]*$/, 'a topic level without wildcards'),
  /** Devices without a Last Will are shown offline after this many seconds of silence. */
  offlineAfterS: z.number().int().min(10).max(86_400),
}

export const DeviceSettings = z.object({
  prefix: deviceFields.prefix.default('iot'),
  offlineAfterS: deviceFields.offlineAfterS.default(600),
})

/** Desktop-app fields without defaults (web mode ignores them): see DesktopSettings. */
const desktopFields = {
  /** Open the app (to the tray, window hidden) when the person logs in: macOS and Windows. */
  startAtLogin: z.boolean(),
  /**
   * Closing the window keeps the app running in the tray (the broker serves devices, readings
   * are stored, alerts notify) until Quit; off: closing the window quits the app. Only where
   * the tray icon could be made: without one, closing quits (Windows, Linux) or the app stays
   * in the Dock (macOS).
   */
  closeToTray: z.boolean(),
  /**
   * Look for an update at start and install it on quit. Off until a person turns it on: the
   * app makes no network call of its own without this consent, and sends no telemetry.
   */
  autoUpdate: z.boolean(),
  /** The update feed (electron-updater's generic provider: a folder with latest.yml), https. */
  updateUrl: z
    .string()
    .url()
    .refine((url) => url.startsWith('https://'), 'an https:// address')
    .nullable(),
}

export const DesktopSettings = z.object({
  startAtLogin: desktopFields.startAtLogin.default(false),
  closeToTray: desktopFields.closeToTray.default(true),
  autoUpdate: desktopFields.autoUpdate.default(false),
  updateUrl: desktopFields.updateUrl.default(null),
})

export const Settings = z.object({
  ui: UiSettings.default(UiSettings.parse({})),
  broker: BrokerSettings.default(BrokerSettings.parse({})),
  storage: StorageSettings.default(StorageSettings.parse({})),
  devices: DeviceSettings.default(DeviceSettings.parse({})),
  desktop: DesktopSettings.default(DesktopSettings.parse({})),
  history: HistorySettings.default(HistorySettings.parse({})),
})
export type Settings = z.infer<typeof Settings>

/** A change to some fields of some sections; untouched fields keep their value. */
export const SettingsPatch = z
  .object({
    ui: z.object(uiFields).partial().strict().optional(),
    broker: z.object(brokerFields).partial().strict().optional(),
    storage: z.object(storageFields).partial().strict().optional(),
    devices: z.object(deviceFields).partial().strict().optional(),
    desktop: z.object(desktopFields).partial().strict().optional(),
    history: z.object(historyFields).partial().strict().optional(),
  })
  .strict()
export type SettingsPatch = z.infer<typeof SettingsPatch>

export const settingsMethods = {
  'settings.get': method(NoParams, Settings, 'Read all settings.'),
  'settings.update': method(
    SettingsPatch,
    Settings,
    'Change some settings; returns the full settings after the change.',
  ),
}

export const settingsEvents = {
  /** Settings changed (from any window or the web UI). */
  'settings.changed': Settings,
}
