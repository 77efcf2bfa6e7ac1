/**
 * The update jobs the app keeps and how they reach the UI: the last `keepJobs` (running ones
 * always kept), and `ota.job` events coalesced to one per job every `emitEveryMs`.
 */
import type { OtaJob } from '../../../shared/contract/ota'
import type { Clock, Timer } from '../base/clock'
import type { DeviceRun } from './device-run'

export interface JobRun {
  job: OtaJob
  runs: DeviceRun[]
  cancelled: boolean
  dirty: boolean
}

export class OtaJobFeed {
  private readonly jobs: JobRun[] = []
  private emitTimer: Timer | null = null

  constructor(
    private readonly options: {
      clock: Clock
      emit: (job: OtaJob) => void
      keepJobs: number
      emitEveryMs: number
    },
  ) {}

  add(job: JobRun): void {
    this.jobs.push(job)
    while (this.jobs.length > this.options.keepJobs) {
      const i = this.jobs.findIndex((j) => j.job.state !== 'running')
      if (i < 0) break
      this.jobs.splice(i, 1)
    }
  }

  find(jobId: string): JobRun | undefined {
    return this.jobs.find((j) => j.job.id === jobId)
  }

  /** Newest first, as copies. */
  list(): OtaJob[] {
    return this.jobs.map((j) => snapshot(j.job)).reverse()
  }

  /** The job changed: an event goes out within `emitEveryMs`. */
  markDirty(job: JobRun): void {
    job.dirty = true
    if (this.emitTimer) return
    this.emitTimer = this.options.clock.setTimeout(() => {
      this.emitTimer = null
      this.flush()
    }, this.options.emitEveryMs)
  }

  /** Emits every changed job now. */
  flush(): void {
    for (const job of this.jobs) {
      if (!job.dirty) continue
      job.dirty = false
      this.options.emit(snapshot(job.job))
    }
  }

  close(): void {
    if (this.emitTimer) this.options.clock.clearTimeout(this.emitTimer)
    this.emitTimer = null
  }
}

export function snapshot(job: OtaJob): OtaJob {
  return { ...job, devices: job.devices.map((d) => ({ ...d })) }
}

export function countStates(job: OtaJob): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const d of job.devices) counts[d.state] = (counts[d.state] ?? 0) + 1
  return counts
}
