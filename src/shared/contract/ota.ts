/**
 * Over-the-air updates of our boards (docs/ota.md "App side"): what version the app can
 * send, update jobs (canary first, then the rest in parallel), their per-device progress.
 */
import { z } from 'zod'
import { method, NoParams } from './define'
import { DeviceId } from './devices'

/** The version the app ships (its `firmware/` folder) and what an update of it holds. */
export const OtaAvailable = z.object({
  /** `VERSION` of `firmware/lib/iotfw/__init__.py`; null when the folder can't be read. */
  version: z.string().nullable(),
  files: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Why there is no version (folder missing, no VERSION line). */
  error: z.string().nullable(),
})
export type OtaAvailable = z.infer<typeof OtaAvailable>

/**
 * Where one board is in its update:
 * queued (its turn has not come), waiting (offline: it gets the update when it comes back),
 * sending (manifest and chunks), verifying / applying (the board checks and swaps files),
 * rebooting (swapped; waiting for the new version to confirm with `update_ok`),
 * done, skipped (already at that version, or the canary failed), failed, cancelled.
 */
export const OTA_DEVICE_STATES = [
  'queued',
  'waiting',
  'sending',
  'verifying',
  'applying',
  'rebooting',
  'done',
  'skipped',
  'failed',
  'cancelled',
] as const
export const OtaDeviceState = z.enum(OTA_DEVICE_STATES)
export type OtaDeviceState = z.infer<typeof OtaDeviceState>

export const OtaDeviceProgress = z.object({
  id: DeviceId,
  state: OtaDeviceState,
  /** The board updated first, alone; the rest start only when it succeeded. */
  canary: z.boolean(),
  /** Version the board reported when the job started. */
  from: z.string().nullable(),
  /** Chunks the board has confirmed, of `total`. */
  next: z.number().int().min(0),
  total: z.number().int().min(0),
  /** Estimated seconds until the transfer ends; null until there is a rate to go by. */
  etaS: z.number().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** Machine-readable reason of failed/skipped/cancelled (e.g. `bad_signature`, `crashed`). */
  reason: z.string().nullable(),
  /** What happened, for people. */
  message: z.string().nullable(),
})
export type OtaDeviceProgress = z.infer<typeof OtaDeviceProgress>

export const OtaJob = z.object({
  id: z.string(),
  version: z.string(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  /** running until every board is done, skipped, failed or cancelled. */
  state: z.enum(['running', 'finished', 'cancelled']),
  staged: z.boolean(),
  parallel: z.number().int().min(1),
  devices: z.array(OtaDeviceProgress),
})
export type OtaJob = z.infer<typeof OtaJob>

export const OtaStart = z
  .object({
    /** Boards to update; `all: true` takes every board of ours the app knows. */
    devices: z.array(DeviceId).max(10_000).optional(),
    all: z.boolean().default(false),
    /** Another firmware folder on the machine running the app (default: the one it ships). */
    files: z.string().min(1).max(4096).optional(),
    /** One board first, the rest only after it succeeded. */
    staged: z.boolean().default(true),
    /** Boards receiving at once after the canary. */
    parallel: z.number().int().min(1).max(32).default(4),
  })
  .strict()
  .refine((p) => p.all || (p.devices?.length ?? 0) > 0, 'give devices or all: true')

export const otaMethods = {
  /** The version the app can send and the size of the update. */
  'ota.available': method(NoParams, OtaAvailable, 'The firmware version the app ships.'),
  /** Starts updating boards; returns the new job (progress follows as `ota.job` events). */
  'ota.start': method(OtaStart, OtaJob, 'Update boards over the air.'),
  /** Cancels a job, or only some of its boards; boards already swapping finish their swap. */
  'ota.cancel': method(
    z.object({ job: z.string(), devices: z.array(DeviceId).optional() }).strict(),
    OtaJob,
    'Cancel an update job (or some of its boards).',
  ),
  /** Running and recent jobs, newest first. */
  'ota.jobs': method(NoParams, z.array(OtaJob), 'Running and recent update jobs.'),
}

export const otaEvents = {
  /** A job changed (coalesced: at most a few per second per job). */
  'ota.job': OtaJob,
}
