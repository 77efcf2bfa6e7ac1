/**
 * The one-click installer (core/installer): detect → firmware → flash → upload our
 * firmware files → write config.json + secrets.py → reboot → wait until the board says
 * `<prefix>/<id>/status` = online on the broker. One method runs it all; progress comes
 * as `installer.progress` events. Secrets (Wi-Fi and broker passwords) go in here and
 * never come out: not in events, results, errors or logs.
 */
import { z } from 'zod'
import { method, NoParams } from './define'
import { ChipFamily } from './flasher'
import {
  Credential,
  DeviceIdText,
  PublishTopic,
  ReportConfig,
  SafeText,
  SensorConfig,
  WifiConfig,
} from './provision-input'

export * from './flasher'
export * from './console'
export * from './provision-input'

/** Stages in the order they run; a stage that does not apply is skipped. */
export const INSTALL_STAGES = [
  'detect',
  'download',
  'erase',
  'write',
  'verify',
  'upload',
  'configure',
  'reset',
  'wait-online',
] as const
export const InstallStage = z.enum(INSTALL_STAGES)
export type InstallStage = z.infer<typeof InstallStage>

/** Relative share of the overall bar per stage (skipped stages are left out and the rest rescaled). */
export const INSTALL_STAGE_WEIGHTS: Record<InstallStage, number> = {
  detect: 3,
  download: 12,
  erase: 8,
  write: 40,
  verify: 4,
  upload: 20,
  configure: 3,
  reset: 2,
  'wait-online': 8,
}

/** Which image to flash. */
export const InstallFirmware = z.union([
  /** An entry of firmware.catalog (downloaded, or reused from the cache). */
  z.object({ catalogId: z.string().min(1).max(200) }).strict(),
  /** An image uploaded with firmware.importBegin/Chunk/Finish. */
  z.object({ localId: z.string().regex(/^[0-9a-f]{8,64}$/) }).strict(),
  /** The board already runs MicroPython: skip detect and flashing, only provision. */
  z.object({ keep: z.literal(true) }).strict(),
])
export type InstallFirmware = z.infer<typeof InstallFirmware>

export const InstallBroker = z.discriminatedUnion('kind', [
  /** The app's own broker: host = this computer's LAN address, per-device credentials issued now. */
  z.object({ kind: z.literal('embedded') }).strict(),
  /** The person's Mosquitto/EMQX/HiveMQ. */
  z
    .object({
      kind: z.literal('external'),
      host: SafeText(128).min(1),
      port: z.number().int().min(1).max(65535),
      tls: z.boolean().default(false),
      username: Credential(128).optional(),
      password: Credential(256).optional(),
      /** PEM of the CA to trust, copied to the board as ca.pem. */
      ca: z.string().max(16_384).optional(),
    })
    .strict(),
])
export type InstallBroker = z.infer<typeof InstallBroker>

export const InstallRequest = z
  .object({
    port: z.string().min(1).max(512),
    firmware: InstallFirmware,
    /** Erase the whole flash first (recommended when the board ran something else). */
    eraseAll: z.boolean().default(false),
    /** Transfer baud after connecting at 115200 (default 460800, falls back to 115200). */
    baudRate: z.number().int().min(9600).max(2_000_000).optional(),
    device: z
      .object({
        name: SafeText(128).min(1),
        /** Default: "esp32-" + last 6 hex digits of the MAC. */
        id: DeviceIdText.optional(),
      })
      .strict(),
    wifi: WifiConfig,
    broker: InstallBroker,
    sensor: SensorConfig,
    report: ReportConfig.optional(),
    /** Also publish the seed tutorial's `temp:X,hum:Y` here (e.g. home/sensors/temp_hum). */
    legacyTopic: PublishTopic.nullable().optional(),
    /** Publish retained Home Assistant discovery configs from the board. */
    haDiscovery: z.boolean().optional(),
  })
  .strict()
export type InstallRequest = z.input<typeof InstallRequest>

export const InstallResult = z.object({
  deviceId: z.string(),
  /** null when the firmware was kept (no bootloader session). */
  chip: ChipFamily.nullable(),
  mac: z.string(),
  /** The broker host written into config.json. */
  brokerHost: z.string(),
  brokerPort: z.number().int(),
  online: z.literal(true),
  /** Milliseconds per stage that ran. */
  durationsMs: z.partialRecord(InstallStage, z.number()),
  totalMs: z.number(),
})
export type InstallResult = z.infer<typeof InstallResult>

export const InstallProgress = z.object({
  port: z.string(),
  stage: z.union([InstallStage, z.literal('done'), z.literal('failed')]),
  /** 0..100 across the whole install. */
  percent: z.number().min(0).max(100),
  /** 0..100 within the current stage. */
  stagePercent: z.number().min(0).max(100),
  /** Transfer rate in the current stage (bytes/s), 0 when nothing is transferred. */
  bytesPerSecond: z.number().min(0),
  /** Seconds left in the current stage, null when unknown. */
  etaSeconds: z.number().min(0).nullable(),
  /** For people; never contains a secret. */
  message: z.string(),
  /** Known once the MAC was read (or the id chosen). */
  deviceId: z.string().optional(),
  /** On 'failed': what the person can do, and a machine-readable reason. */
  hint: z.string().optional(),
  failure: z.string().optional(),
})
export type InstallProgress = z.infer<typeof InstallProgress>

export const installerMethods = {
  'installer.run': method(
    InstallRequest,
    InstallResult,
    'The whole one-click install on one port; resolves when the board is online on the broker.',
  ),
  'installer.cancel': method(
    z.object({ port: z.string().min(1).max(512) }).strict(),
    z.object({ cancelled: z.boolean() }),
    'Stop the install on a port at whatever stage it is; false when none runs.',
  ),
  'installer.active': method(
    NoParams,
    z.array(InstallProgress),
    'Installs running now, with their latest progress (for a UI that reconnects).',
  ),
  'installer.brokerAddress': method(
    NoParams,
    z.object({ host: z.string(), port: z.number().int() }).nullable(),
    'The built-in broker as the installer tells boards to reach it (IOTCC_ADVERTISED_HOST when set, else the bound or first LAN address); null when it is not running or this computer has no address.',
  ),
}

export const installerEvents = {
  'installer.progress': InstallProgress,
}
