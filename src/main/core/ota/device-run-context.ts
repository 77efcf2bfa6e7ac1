/**
 * What a board's run (DeviceRun) gets from its job (UpdateService): clock, logger, how to
 * publish to the board, whom to tell when something changed, and the timing figures; and the
 * run states the job schedules by.
 */
import type { OtaDeviceProgress, OtaDeviceState } from '../../../shared/contract/ota'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'

export interface DeviceRunContext {
  clock: Clock
  logger: Logger
  prefix: () => string
  publish: (deviceId: string, topic: string, payload: Buffer) => Promise<void>
  /** Something visible changed (progress, state, message). */
  changed: () => void
  /** The run reached a state it never leaves, or freed its transfer slot. */
  settled: () => void
  resendAfterMs: number
  maxSilentResends: number
  confirmTimeoutMs: number
  chunkSize: number
}

/** States a run never leaves. */
export const TERMINAL: ReadonlySet<OtaDeviceState> = new Set([
  'done',
  'skipped',
  'failed',
  'cancelled',
])
/** States that hold one of the job's parallel transfer slots. */
export const TRANSFERRING: ReadonlySet<OtaDeviceState> = new Set(['sending', 'verifying'])

/** A board's progress before its turn: nothing sent, nothing known. */
export function queuedProgress(
  id: string,
  canary: boolean,
  from: string | null,
): OtaDeviceProgress {
  return {
    id,
    state: 'queued',
    canary,
    from,
    next: 0,
    total: 0,
    etaS: null,
    startedAt: null,
    finishedAt: null,
    reason: null,
    message: null,
  }
}
