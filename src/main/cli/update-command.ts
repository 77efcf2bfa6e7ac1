/**
 * `npm run cli -- update --server URL (--device ID… | --all) [--files DIR]`: over-the-air
 * updates from a script (docs/ota.md). Progress goes to stderr, one line per board as it
 * moves on; the result table to stdout (or JSON with --json). Exit code 0 only when every
 * board was updated or already ran the version, 1 when any failed or was cancelled,
 * 2 for a usage error, 130 when interrupted (the job is cancelled on the server too).
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import type { OtaDeviceProgress, OtaJob } from '../../shared/contract/ota'
import type { CliApi } from './cli-api'
import type { CliIo } from './export-command'
import { formatEta } from './progress-bar'

export const UPDATE_USAGE = `Usage: npm run cli -- update --server URL (--device ID… | --all) [options]

  --server URL         the "Web UI" address printed by npm run serve (with ?token=)
  --device ID          a board to update (repeat the flag, or give ids separated by commas)
  --all                every board running our firmware that the app knows
  --files DIR          the firmware folder to send (main.py + lib/iotfw/**), read by the
                       server, so a path on the machine that runs it; default: the
                       firmware the app ships
  --parallel N         boards receiving at once after the first one (default 4)
  --no-canary          start all boards at once instead of one board first
  --offline-timeout S  give up on boards still offline after S seconds (default: wait
                       until they come back)
  --json               print the finished job as JSON on stdout

  Exit code: 0 all updated (or already up to date), 1 any board failed or was cancelled,
  2 usage error, 130 interrupted (Ctrl-C cancels what has not been swapped yet).
`

export interface UpdateIo extends CliIo {
  openApi: (server: string | undefined, dataDir: string | undefined) => Promise<CliApi>
  /** Poll interval for the job (events carry progress; this is the safety net). */
  pollMs?: number
}

const OPTIONS = {
  server: { type: 'string' },
  device: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  files: { type: 'string' },
  parallel: { type: 'string' },
  'no-canary': { type: 'boolean' },
  'offline-timeout': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const

const GOOD = new Set(['done', 'skipped'])
const FINAL = new Set(['done', 'skipped', 'failed', 'cancelled'])

class UsageError extends Error {}

export async function runUpdateCommand(argv: string[], io: UpdateIo): Promise<number> {
  let values: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; strict: true }>
  >['values']
  let devices: string[]
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true }).values
    if (values.help) {
      io.stdout.write(UPDATE_USAGE)
      return 0
    }
    if (!values.server) throw new UsageError('--server is required.')
    devices = (values.device ?? []).flatMap((d) => d.split(',')).filter((d) => d.trim() !== '')
    if (devices.length === 0 && !values.all) throw new UsageError('Give --device ID or --all.')
    if (devices.length > 0 && values.all) throw new UsageError('Give --device or --all, not both.')
    for (const flag of ['parallel', 'offline-timeout'] as const) {
      if (values[flag] !== undefined && !/^\d+$/.test(values[flag]))
        throw new UsageError(`--${flag} must be a whole number.`)
    }
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${UPDATE_USAGE}`)
    return 2
  }

  const api = await io.openApi(values.server, undefined)
  const now = io.now ?? Date.now
  const latest = new Map<string, OtaJob>()
  let wake: (() => void) | null = null
  const stopEvents = api.on('ota.job', (job) => {
    const known = latest.get(job.id)
    latest.set(job.id, job)
    if (!known || known !== job) wake?.()
  })
  let jobId: string | null = null
  let interrupted = false
  const onSigint = (): void => {
    interrupted = true
    if (jobId) void api.call('ota.cancel', { job: jobId }).catch(() => undefined)
    wake?.()
  }
  process.on('SIGINT', onSigint)
  try {
    const available = await api.call('ota.available', {})
    const start = await api.call('ota.start', {
      ...(values.all ? { all: true } : { devices }),
      ...(values.files ? { files: resolve(values.files) } : {}),
      ...(values.parallel ? { parallel: Number(values.parallel) } : {}),
      staged: !values['no-canary'],
    })
    jobId = start.id
    io.stderr.write(
      `Updating ${start.devices.length} board(s) to ${start.version} via ${api.where}` +
        `${values.files ? ` (from ${values.files})` : available.version ? ' (the firmware the app ships)' : ''}\n`,
    )
    const print = reporter(io)
    const offlineDeadline =
      values['offline-timeout'] !== undefined
        ? now() + Number(values['offline-timeout']) * 1000
        : null
    let gaveUp = false
    let job = latest.get(start.id) ?? start
    print(job)
    const pollMs = io.pollMs ?? 5000
    let lastPoll = now()
    while (job.state === 'running') {
      await new Promise<void>((done) => {
        wake = done
        setTimeout(done, Math.min(pollMs, 1000))
      })
      wake = null
      if (now() - lastPoll >= pollMs) {
        lastPoll = now()
        const polled = (await api.call('ota.jobs', {})).find((j) => j.id === start.id)
        if (polled) latest.set(polled.id, polled)
      }
      job = latest.get(start.id) ?? job
      print(job)
      if (!gaveUp && offlineDeadline !== null && now() >= offlineDeadline) {
        const waiting = job.devices
          .filter((d) => d.state === 'waiting' || (d.state === 'queued' && d.startedAt === null))
          .map((d) => d.id)
        gaveUp = true
        if (waiting.length > 0) {
          io.stderr.write(
            `Still offline after ${values['offline-timeout']} s: ${waiting.join(', ')}\n`,
          )
          job = await api.call('ota.cancel', { job: start.id, devices: waiting })
          latest.set(job.id, job)
        }
      }
    }
    print(job)
    if (values.json) io.stdout.write(`${JSON.stringify(job)}\n`)
    else io.stdout.write(summary(job))
    if (interrupted) return 130
    return job.devices.every((d) => GOOD.has(d.state)) ? 0 : 1
  } catch (error) {
    io.stderr.write(`Update failed: ${(error as Error).message}\n`)
    return interrupted ? 130 : 1
  } finally {
    stopEvents()
    process.off('SIGINT', onSigint)
    await api.close()
  }
}

/** A line per board when its state changes, and at every quarter of its transfer. */
function reporter(io: CliIo): (job: OtaJob) => void {
  const seen = new Map<string, string>()
  return (job) => {
    for (const d of job.devices) {
      const quarter = d.total > 0 ? Math.floor((4 * d.next) / d.total) : 0
      const key = `${d.state}:${d.state === 'sending' ? quarter : ''}`
      if (seen.get(d.id) === key) continue
      seen.set(d.id, key)
      io.stderr.write(`${progressText(d)}\n`)
    }
  }
}

/** "b1  sending   [██████░░░░░░]  50%  ETA 0:12  Receiving: 22 of 44 chunks" */
export function progressText(d: OtaDeviceProgress): string {
  const width = 12
  const fraction = d.total > 0 ? d.next / d.total : FINAL.has(d.state) ? 1 : 0
  const filled = Math.round(fraction * width)
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`
  const pct = `${String(Math.round(fraction * 100)).padStart(3)}%`
  const eta =
    d.state === 'sending' && d.etaS !== null && d.etaS > 0 ? `  ETA ${formatEta(d.etaS)}` : ''
  const tag = d.canary ? ' (first)' : ''
  return `${d.id}${tag}  ${d.state.padEnd(9)} ${bar} ${pct}${eta}  ${d.message ?? ''}`.trimEnd()
}

function summary(job: OtaJob): string {
  const width = Math.max(6, ...job.devices.map((d) => d.id.length))
  const lines = job.devices.map((d) => {
    const took =
      d.startedAt !== null && d.finishedAt !== null
        ? `${Math.round((d.finishedAt - d.startedAt) / 1000)} s`
        : ''
    return `${d.id.padEnd(width)}  ${d.state.padEnd(9)}  ${(d.reason ?? '').padEnd(14)}  ${took.padStart(5)}  ${d.message ?? ''}`.trimEnd()
  })
  const count = (s: string) => job.devices.filter((d) => d.state === s).length
  const totals = `${count('done')} updated, ${count('skipped')} skipped, ${count('failed')} failed, ${count('cancelled')} cancelled (version ${job.version})`
  return `${['DEVICE'.padEnd(width) + '  RESULT     REASON', ...lines, totals].join('\n')}\n`
}
