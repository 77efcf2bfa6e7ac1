import {
  INSTALL_STAGE_WEIGHTS,
  INSTALL_STAGES,
  type InstallProgress,
  type InstallStage,
} from '../../../shared/contract/installer'
import type { Clock } from '../base/clock'

export interface StageUpdate {
  /** 0..100 within the stage. */
  percent: number
  message: string
  bytesPerSecond?: number
  etaSeconds?: number | null
}

/**
 * Turns per-stage progress into the one bar a person watches: stages that do not apply
 * (no download for a local image, no erase) are left out and the rest rescaled by their
 * weights; the overall percent never goes backwards. Also times each stage.
 */
export class InstallMeter {
  private readonly stages: InstallStage[]
  private readonly total: number
  private current: InstallStage | null = null
  private stageStart = 0
  private best = 0
  private last: InstallProgress | null = null
  readonly durationsMs: Partial<Record<InstallStage, number>> = {}

  constructor(
    private readonly port: string,
    skipped: ReadonlySet<InstallStage>,
    private readonly clock: Clock,
    private readonly emit: (progress: InstallProgress) => void,
  ) {
    this.stages = INSTALL_STAGES.filter((stage) => !skipped.has(stage))
    this.total = this.stages.reduce((sum, stage) => sum + INSTALL_STAGE_WEIGHTS[stage], 0)
  }

  deviceId: string | undefined

  get latest(): InstallProgress | null {
    return this.last
  }

  stage(stage: InstallStage, update: StageUpdate): void {
    if (stage !== this.current) this.enter(stage)
    const stagePercent = clamp(update.percent)
    const before = this.weightBefore(stage)
    const overall =
      ((before + (INSTALL_STAGE_WEIGHTS[stage] * stagePercent) / 100) / this.total) * 100
    this.best = Math.max(this.best, Math.min(99, overall))
    this.send({
      port: this.port,
      stage,
      percent: round(this.best),
      stagePercent: round(stagePercent),
      bytesPerSecond: Math.max(0, Math.round(update.bytesPerSecond ?? 0)),
      etaSeconds: update.etaSeconds == null ? null : Math.max(0, Math.round(update.etaSeconds)),
      message: update.message,
      ...(this.deviceId ? { deviceId: this.deviceId } : {}),
    })
  }

  done(message: string): void {
    this.finishStage()
    this.send({
      port: this.port,
      stage: 'done',
      percent: 100,
      stagePercent: 100,
      bytesPerSecond: 0,
      etaSeconds: 0,
      message,
      ...(this.deviceId ? { deviceId: this.deviceId } : {}),
    })
  }

  failed(message: string, failure: string, hint?: string): void {
    this.finishStage()
    this.send({
      port: this.port,
      stage: 'failed',
      percent: round(this.best),
      stagePercent: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
      message,
      failure,
      ...(hint ? { hint } : {}),
      ...(this.deviceId ? { deviceId: this.deviceId } : {}),
    })
  }

  private enter(stage: InstallStage): void {
    this.finishStage()
    this.current = stage
    this.stageStart = this.clock.now()
  }

  private finishStage(): void {
    if (!this.current) return
    const spent = this.clock.now() - this.stageStart
    this.durationsMs[this.current] = (this.durationsMs[this.current] ?? 0) + spent
    this.current = null
  }

  private weightBefore(stage: InstallStage): number {
    let sum = 0
    for (const s of this.stages) {
      if (s === stage) break
      sum += INSTALL_STAGE_WEIGHTS[s]
    }
    return sum
  }

  private send(progress: InstallProgress): void {
    this.last = progress
    this.emit(progress)
  }
}

function clamp(percent: number): number {
  return Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
