import { INSTALL_STAGES, type InstallStage } from '@shared/contract/installer'
import type { InstallRun } from './use-install'

export const STAGE_LABELS: Record<InstallStage, string> = {
  detect: 'Detect chip',
  download: 'Download firmware',
  erase: 'Erase flash',
  write: 'Write MicroPython',
  verify: 'Verify',
  upload: 'Upload our firmware',
  configure: 'Provision settings',
  reset: 'Reboot',
  'wait-online': 'Online!',
}

type StageState = 'pending' | 'active' | 'done' | 'skipped' | 'failed'

/** Each stage's state from the progress so far: before the current one = done or skipped. */
export function stageStates(run: InstallRun): Record<InstallStage, StageState> {
  const p = run.progress
  const failed = p?.stage === 'failed' || run.error !== undefined
  const done = p?.stage === 'done' || run.result !== undefined
  const last = run.seen[run.seen.length - 1]
  const current = last ? INSTALL_STAGES.indexOf(last) : -1
  const out = {} as Record<InstallStage, StageState>
  INSTALL_STAGES.forEach((stage, i) => {
    const seen = run.seen.includes(stage)
    if (done) out[stage] = seen ? 'done' : 'skipped'
    else if (i < current) out[stage] = seen ? 'done' : 'skipped'
    else if (i === current) out[stage] = failed ? 'failed' : 'active'
    else out[stage] = 'pending'
  })
  return out
}

const ICON: Record<StageState, string> = {
  pending: '○',
  active: '◐',
  done: '✓',
  skipped: '–',
  failed: '✕',
}

/** erase → write → verify → upload → provision → online!, each with its state. */
export function StageList({ run }: { run: InstallRun }) {
  const states = stageStates(run)
  return (
    <ol className="stage-list" aria-label="Install steps">
      {INSTALL_STAGES.map((stage) => (
        <li
          key={stage}
          className={`stage stage--${states[stage]}`}
          data-stage={stage}
          data-state={states[stage]}
        >
          <span className="stage__icon" aria-hidden="true">
            {ICON[states[stage]]}
          </span>
          <span className="stage__label">{STAGE_LABELS[stage]}</span>
          <span className="sr-only">: {states[stage]}</span>
          {states[stage] === 'active' && run.progress && run.progress.stagePercent > 0 && (
            <span className="stage__percent">{Math.round(run.progress.stagePercent)} %</span>
          )}
        </li>
      ))}
    </ol>
  )
}
