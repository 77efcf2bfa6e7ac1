/**
 * Resident memory and CPU time of another process, read from Linux's /proc (proc(5)):
 * `/proc/<pid>/stat` fields 14 and 15 (utime, stime: every thread of the process, in clock
 * ticks, children excluded) and `VmRSS` in `/proc/<pid>/status`.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

/** sysconf(_SC_CLK_TCK), 100 on every Linux we know of; asked once. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

export interface ProcSample {
  /** Resident set size in bytes. */
  rssBytes: number
  /** User + system CPU time in ms since the process started (10 ms resolution). */
  cpuMs: number
}

/** One reading, or null when the process is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Field 2 (comm) is in parentheses and may contain spaces: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
    return { rssBytes: rssKb * 1024, cpuMs: (ticks * 1000) / clockTicks() }
  } catch {
    return null
  }
}

/** CPU ms summed over several processes (e.g. Mosquitto + mosquitto_sub); gone ones count 0. */
export function cpuMsOf(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (sampleProcess(pid)?.cpuMs ?? 0), 0)
}

/** Soft limit on open files of a process (`Max open files` in /proc/<pid>/limits). */
export function openFilesLimit(pid: number | 'self' = 'self'): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8')
  const soft = /^Max open files\s+(\S+)/m.exec(limits)?.[1]
  return soft === undefined || soft === 'unlimited' ? Infinity : Number(soft)
}

/**
 * Samples a process every `intervalMs` and keeps the peak RSS; `onSample` may act on each
 * sample (e.g. stop a run whose RSS went past a safety limit).
 */
export class ProcSampler {
  peakRssBytes = 0
  last: ProcSample | null = null
  readonly pid: number
  private readonly timer: NodeJS.Timeout

  // No parameter properties here: bench/ runs under Node's type stripping, which rejects them.
  constructor(pid: number, intervalMs = 100, onSample?: (sample: ProcSample) => void) {
    this.pid = pid
    const tick = (): void => {
      const sample = sampleProcess(pid)
      if (!sample) return
      this.last = sample
      if (sample.rssBytes > this.peakRssBytes) this.peakRssBytes = sample.rssBytes
      onSample?.(sample)
    }
    tick()
    this.timer = setInterval(tick, intervalMs)
  }

  /** Starts counting the peak from now. */
  resetPeak(): void {
    this.peakRssBytes = this.last?.rssBytes ?? 0
  }

  stop(): void {
    clearInterval(this.timer)
  }
}

export const MB = 1024 * 1024
