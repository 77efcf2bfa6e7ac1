/**
 * `npm run cli -- export …`: readings as CSV or JSON from a data folder, for headless use
 * (cron jobs, a Raspberry Pi without a browser). Reads the history store the folder's
 * settings choose (SQLite, or InfluxDB), through the app's own ExportService. Streams; safe
 * while the app is running (it only reads).
 */
import type { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { ZodError } from 'zod'
import { ExportRequest } from '../../shared/contract/export'
import { systemClock } from '../core/base/clock'
import { silentLogger } from '../core/base/logger'
import { ExportService } from '../core/export/export-service'
import { openExportSource, type ExportSource } from '../core/export/export-source'
import { readDeviceNames } from '../core/export/readonly-sources'
import type { FetchLike } from '../core/influx/influx-client'
import type { HistoryOverrides } from '../core/readings/history-choice'
import { HISTORY_USAGE, parseHistoryFlags } from '../core/readings/history-flags'
import { defaultDataDir } from '../server/serve-options'

export const EXPORT_USAGE = `Usage: npm run -s cli -- export [options]   (-s: npm prints nothing of its own)

  --format csv|json   output format (default csv)
  --devices A,B       device ids (default: all devices)
  --metrics M,N       metrics (default temperature,humidity)
  --from TIME         start: epoch ms, or ISO-8601 in UTC unless it gives an offset
                      (2026-12-02T17:40 is UTC; 2026-12-02T17:40+01:00 is not)
                      (default: 24 hours ago)
  --to TIME           end, exclusive, same forms (default: now)
  --out FILE          write to FILE instead of stdout
  --bom               start CSV with a UTF-8 byte order mark (Excel)
  --data-dir DIR      data folder (default: the app's); its settings choose where history
                      is read: readings.sqlite, or the InfluxDB saved under Integrations;
                      the flags below override them as they do for \`npm run serve\`
${HISTORY_USAGE}  --help              show this help
`

export interface CliIo {
  stdout: Writable
  stderr: Writable
  env?: NodeJS.ProcessEnv
  now?: () => number
  /** HTTP for an InfluxDB history store (tests); default the global fetch. */
  fetch?: FetchLike
}

/** A date and time with no zone designator (`2026-12-02T17:40`, `2026-12-02 17:40:00.5`). */
const ZONELESS = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/

/**
 * `--from`/`--to`: epoch ms, or ISO-8601 read as UTC unless it names an offset (`Z`,
 * `+01:00`). JavaScript would read a zoneless date-time as local time, so the same command
 * gave other rows on a machine in another time zone; exports are in UTC, and so are these.
 */
export function parseTime(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback
  const zoneless = ZONELESS.exec(value.trim())
  const ms = /^\d+$/.test(value)
    ? Number(value)
    : Date.parse(zoneless ? `${zoneless[1]}T${zoneless[2]}Z` : value)
  if (!Number.isFinite(ms))
    throw new Error(`${flag}: "${value}" is not an ISO-8601 time or epoch ms.`)
  return ms
}

/** Runs the command; resolves with the process exit code (0 ok, 1 failure, 2 usage). */
export async function runExportCommand(argv: string[], io: CliIo): Promise<number> {
  const now = (io.now ?? Date.now)()
  let request: ExportRequest
  let out: string | undefined
  let dataDir: string
  let history: HistoryOverrides
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        format: { type: 'string' },
        devices: { type: 'string' },
        metrics: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        bom: { type: 'boolean' },
        'data-dir': { type: 'string' },
        history: { type: 'string' },
        'influx-url': { type: 'string' },
        'influx-version': { type: 'string' },
        'influx-org': { type: 'string' },
        help: { type: 'boolean' },
      },
    })
    if (values.help) {
      io.stdout.write(EXPORT_USAGE)
      return 0
    }
    const list = (v: string | undefined): string[] | undefined =>
      v === undefined || v === '' ? undefined : v.split(',').map((s) => s.trim())
    request = ExportRequest.parse({
      format: values.format ?? 'csv',
      deviceIds: list(values.devices),
      metrics: list(values.metrics),
      from: parseTime(values.from, now - 86_400_000, '--from'),
      to: parseTime(values.to, now + 1, '--to'),
      bom: values.bom ?? false,
    })
    out = values.out
    dataDir = values['data-dir'] ?? defaultDataDir(io.env)
    history = parseHistoryFlags(values, io.env ?? {})
  } catch (error) {
    const message =
      error instanceof ZodError
        ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
        : (error as Error).message
    io.stderr.write(`${message}\n\n${EXPORT_USAGE}`)
    return 2
  }

  let source: ExportSource
  try {
    source = openExportSource(dataDir, history, io.fetch)
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n`)
    return 1
  }
  for (const note of source.notes) io.stderr.write(`${note}\n`)
  const names = readDeviceNames(dataDir)
  const service = new ExportService({
    readings: source.readings,
    deviceName: (id) => names.get(id),
    clock: systemClock,
    logger: silentLogger,
  })
  try {
    if (out === undefined) {
      const totals = await service.exportTo(request, io.stdout, false)
      io.stderr.write(`${totals.rows} rows (from ${source.describe})\n`)
    } else {
      const result = await service.exportToFile(request, out)
      io.stderr.write(`${result.rows} rows written to ${result.path} (from ${source.describe})\n`)
    }
    return 0
  } catch (error) {
    io.stderr.write(`Export failed: ${(error as Error).message}\n`)
    return 1
  } finally {
    source.close()
  }
}
