/**
 * Over-the-air update jobs (docs/ota.md "App side"): one board first (the canary), then the
 * rest with bounded parallelism; boards that are offline wait and get the update when their
 * status says online; cancel stops what has not swapped yet. Each board's transfer is a
 * DeviceRun; this class schedules them and reports jobs as `ota.job` events.
 */
import { randomBytes } from 'node:crypto'
import type { OtaAvailable, OtaJob } from '../../../shared/contract/ota'
import { ApiError } from '../../../shared/errors'
import type { MqttMessage } from '../../../shared/mqtt-message'
import {
  DEFAULT_CHUNK_SIZE,
  OTA_RESEND_AFTER_MS,
  parseOtaEvent,
  parseOtaStatus,
  readFirmwareFolder,
  type FirmwarePackage,
} from '../../../shared/ota/node'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { DeviceRun } from './device-run'
import { TRANSFERRING, type DeviceRunContext } from './device-run-context'
import { OtaJobFeed, countStates, snapshot, type JobRun } from './ota-job-feed'

/** What the service needs to know about boards (the device registry in the app). */
export interface OtaPresence {
  /** undefined: the app has never heard of the device. */
  state(id: string): { online: boolean | null; fw: string | null } | undefined
  /** Ids of every board running our firmware (for `all`). */
  ours(): string[]
  /** Called with a device id whenever its record changed. */
  onChange(listener: (id: string) => void): () => void
}

export interface UpdateServiceOptions {
  clock: Clock
  logger: Logger
  prefix: () => string
  presence: OtaPresence
  /** Publishes at QoS 1 through the connection that reaches the device. */
  publish: (deviceId: string, topic: string, payload: Buffer) => Promise<void>
  /** The device's OTA_KEY, or null when the app never installed it. */
  keyOf: (deviceId: string) => string | null
  /** The firmware folder the app ships (the available version). */
  firmwareDir: string
  emit: (job: OtaJob) => void
  resendAfterMs?: number
  /** Silent periods in a row before a board counts as not answering (default 6). */
  maxSilentResends?: number
  /** From the swap to `update_ok` (default 15 min: a trial may take 3 boots of up to 300 s). */
  confirmTimeoutMs?: number
  chunkSize?: number
  /** Jobs kept after they ended (default 20). */
  keepJobs?: number
  /** Coalescing of `ota.job` events (default 250 ms). */
  emitEveryMs?: number
}

export class UpdateService {
  private readonly feed: OtaJobFeed
  /** device id → its run in a running job (a device is in at most one). */
  private readonly active = new Map<string, { run: DeviceRun; job: JobRun }>()
  private readonly unsubscribe: () => void

  constructor(private readonly options: UpdateServiceOptions) {
    this.feed = new OtaJobFeed({
      clock: options.clock,
      emit: options.emit,
      keepJobs: options.keepJobs ?? 20,
      emitEveryMs: options.emitEveryMs ?? 250,
    })
    this.unsubscribe = options.presence.onChange((id) => this.onPresence(id))
  }

  /** The version the app ships, read from its firmware folder now. */
  async available(): Promise<OtaAvailable> {
    try {
      const pkg = await readFirmwareFolder(this.options.firmwareDir)
      return {
        version: pkg.version,
        files: pkg.files.length,
        bytes: pkg.stream.length,
        error: null,
      }
    } catch (error) {
      return { version: null, files: 0, bytes: 0, error: (error as Error).message }
    }
  }

  list(): OtaJob[] {
    return this.feed.list()
  }

  /** Starts a job; devices already in a running job are refused (CONFLICT). */
  async start(params: {
    devices?: string[]
    all?: boolean
    files?: string
    staged?: boolean
    parallel?: number
  }): Promise<OtaJob> {
    const { presence } = this.options
    const ids = [...new Set(params.all ? presence.ours() : (params.devices ?? []))]
    if (ids.length === 0) throw new ApiError('BAD_INPUT', 'No boards to update.')
    const busy = ids.filter((id) => this.active.has(id))
    if (busy.length > 0)
      throw new ApiError('CONFLICT', `Already being updated: ${busy.slice(0, 5).join(', ')}.`)
    let pkg: FirmwarePackage
    try {
      pkg = await readFirmwareFolder(params.files ?? this.options.firmwareDir)
    } catch (error) {
      throw new ApiError('BAD_INPUT', (error as Error).message)
    }
    // The canary: a board that is online and not yet at the version, if there is one.
    const needs = (id: string): boolean => presence.state(id)?.fw !== pkg.version
    const staged = (params.staged ?? true) && ids.length > 1
    const canary = staged
      ? (ids.find((id) => needs(id) && presence.state(id)?.online === true) ??
        ids.find(needs) ??
        null)
      : null
    const ordered = canary ? [canary, ...ids.filter((id) => id !== canary)] : ids
    const job: JobRun = {
      job: {
        id: `job-${randomBytes(6).toString('base64url')}`,
        version: pkg.version,
        createdAt: this.options.clock.now(),
        finishedAt: null,
        state: 'running',
        staged,
        parallel: params.parallel ?? 4,
        devices: [],
      },
      runs: [],
      cancelled: false,
      dirty: true,
    }
    for (const id of ordered) {
      const run = new DeviceRun(
        id,
        id === canary,
        presence.state(id)?.fw ?? null,
        pkg.version,
        pkg,
        this.context(job),
      )
      job.runs.push(run)
      job.job.devices.push(run.progress)
      this.active.set(id, { run, job })
    }
    this.feed.add(job)
    this.options.logger.info('OTA job started', {
      job: job.job.id,
      version: pkg.version,
      devices: ids.length,
    })
    this.pump(job)
    this.feed.flush()
    return snapshot(job.job)
  }

  /** Cancels a job (or some of its boards); boards already swapping finish their swap. */
  cancel(jobId: string, devices?: string[]): OtaJob {
    const job = this.feed.find(jobId)
    if (!job) throw new ApiError('NOT_FOUND', `No update job "${jobId}".`)
    const only = devices ? new Set(devices) : null
    if (!only) job.cancelled = true
    for (const run of job.runs) if (!only || only.has(run.id)) run.cancel()
    this.pump(job)
    this.feed.flush()
    return snapshot(job.job)
  }

  /** Every message the app receives: statuses and events of boards in a running job. */
  handleMessage(message: MqttMessage): void {
    if (this.active.size === 0 || message.retain) return
    const prefix = this.options.prefix()
    const topic = message.topic
    if (!topic.startsWith(`${prefix}/`)) return
    const rest = topic.slice(prefix.length + 1).split('/')
    const entry = this.active.get(rest[0] ?? '')
    if (!entry) return
    if (rest.length === 3 && rest[1] === 'ota' && rest[2] === 'status') {
      const status = parseOtaStatus(message.payload)
      if (status) entry.run.onStatus(status)
    } else if (rest.length === 2 && rest[1] === 'event') {
      const event = parseOtaEvent(message.payload)
      if (event) entry.run.onEvent(event)
    }
  }

  close(): void {
    this.unsubscribe()
    for (const { run } of this.active.values()) run.dispose()
    this.active.clear()
    this.feed.close()
  }

  /** Starts whatever may start now; ends the job when every board has settled. */
  private pump(job: JobRun): void {
    if (job.job.state !== 'running') return
    const canary = job.runs.find((r) => r.progress.canary)
    if (canary && !canary.terminal) {
      if (canary.state === 'queued') this.begin(canary)
    } else if (canary && canary.state !== 'done' && canary.state !== 'skipped') {
      for (const run of job.runs)
        if (run.state === 'queued' || run.state === 'waiting')
          run.finish('skipped', 'canary_failed', `Not sent: the first board (${canary.id}) failed`)
    } else {
      let free = job.job.parallel - job.runs.filter((r) => TRANSFERRING.has(r.state)).length
      for (const run of job.runs) {
        if (free <= 0) break
        if (run.state !== 'queued') continue
        this.begin(run)
        if (TRANSFERRING.has(run.state)) free--
      }
    }
    if (job.runs.every((r) => r.terminal)) {
      job.job.state = job.cancelled ? 'cancelled' : 'finished'
      job.job.finishedAt = this.options.clock.now()
      for (const run of job.runs) this.active.delete(run.id)
      job.dirty = true
      const counts = countStates(job.job)
      this.options.logger.info('OTA job ended', { job: job.job.id, ...counts })
    }
  }

  /** A queued board's turn: skip, fail for want of a key, wait for it, or send. */
  private begin(run: DeviceRun): void {
    const state = this.options.presence.state(run.id)
    const version = this.jobOf(run)?.job.version
    if (!state) return run.finish('failed', 'unknown_device', 'The app has never heard of it')
    if (state.fw !== null && state.fw === version) {
      // Back after the last chunk, with the new version: on trial, not "already up to date".
      if (run.sentAll()) return run.awaitConfirmation()
      return run.finish('skipped', 'up_to_date', `Already runs ${version}`)
    }
    const key = this.options.keyOf(run.id)
    if (!key)
      return run.finish(
        'failed',
        'no_key',
        'The app has no update key for this board: install it once over USB with this app',
      )
    if (state.online !== true) return run.pause('Offline: gets the update when it comes back')
    run.send(key)
  }

  private onPresence(id: string): void {
    const entry = this.active.get(id)
    if (!entry) return
    const { run, job } = entry
    const state = this.options.presence.state(id)
    if (!state) return
    run.onPresence(state.online, state.fw)
    if (run.state === 'waiting' && state.online === true) {
      run.progress.state = 'queued'
      this.pump(job)
    } else if (TRANSFERRING.has(run.state) && state.online === false) {
      run.pause('Offline: carries on from where it was when it comes back')
      this.pump(job)
    }
    this.feed.markDirty(job)
  }

  private context(job: JobRun): DeviceRunContext {
    const { clock, logger, prefix, publish } = this.options
    return {
      clock,
      logger,
      prefix,
      publish,
      changed: () => this.feed.markDirty(job),
      settled: () => {
        this.feed.markDirty(job)
        // After the current call stack: a run settles from inside pump too.
        queueMicrotask(() => this.pump(job))
      },
      resendAfterMs: this.options.resendAfterMs ?? OTA_RESEND_AFTER_MS,
      maxSilentResends: this.options.maxSilentResends ?? 6,
      confirmTimeoutMs: this.options.confirmTimeoutMs ?? 15 * 60_000,
      chunkSize: this.options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    }
  }

  private jobOf(run: DeviceRun): JobRun | undefined {
    return this.active.get(run.id)?.job
  }
}
