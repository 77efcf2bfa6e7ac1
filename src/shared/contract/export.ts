import { z } from 'zod'
import { method } from './define'
import { DeviceId } from './devices'
import { Metric } from './readings'

export const ExportFormat = z.enum(['csv', 'json'])
export type ExportFormat = z.infer<typeof ExportFormat>

/**
 * Which readings to export. `deviceIds` empty = every device. Rows come out in time order;
 * CSV has one row per device and timestamp with one column per metric (unit in the header).
 */
export const ExportRequest = z
  .object({
    format: ExportFormat,
    deviceIds: z.array(DeviceId).max(500).default([]),
    /** Default: temperature and humidity. */
    metrics: z.array(Metric).min(1).max(20).default(['temperature', 'humidity']),
    from: z.number().int().describe('epoch ms, inclusive'),
    to: z.number().int().describe('epoch ms, exclusive'),
    /** Start the CSV with a UTF-8 byte order mark so Excel shows non-ASCII names correctly. */
    bom: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.to > r.from, { message: '"to" must be after "from"', path: ['to'] })
export type ExportRequest = z.output<typeof ExportRequest>
export type ExportRequestInput = z.input<typeof ExportRequest>

export const ExportResult = z.object({
  path: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
})
export type ExportResult = z.infer<typeof ExportResult>

/** The file name offered for an export, e.g. `readings-2026-11-27T10-00Z.csv`. */
export function exportFileName(request: Pick<ExportRequest, 'format' | 'from'>): string {
  const stamp = new Date(request.from).toISOString().slice(0, 16).replace(':', '-')
  return `readings-${stamp}Z.${request.format}`
}

/**
 * Query string for web mode's streaming download, `GET /export.<format>?…` (the server
 * checks the token cookie). Shared so the renderer and the server agree on the names.
 */
export function exportQueryString(request: ExportRequestInput): string {
  const params = new URLSearchParams()
  if (request.deviceIds && request.deviceIds.length > 0)
    params.set('devices', request.deviceIds.join(','))
  if (request.metrics) params.set('metrics', request.metrics.join(','))
  params.set('from', new Date(request.from).toISOString())
  params.set('to', new Date(request.to).toISOString())
  if (request.bom) params.set('bom', '1')
  return params.toString()
}

/** Inverse of exportQueryString; throws a ZodError (→ 400) on bad input. */
export function parseExportQuery(format: string, query: URLSearchParams): ExportRequest {
  const list = (name: string): string[] | undefined => {
    const raw = query.get(name)
    return raw === null || raw === '' ? undefined : raw.split(',')
  }
  const time = (name: string): number => {
    const raw = query.get(name) ?? ''
    return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw)
  }
  return ExportRequest.parse({
    format,
    deviceIds: list('devices'),
    metrics: list('metrics'),
    from: time('from'),
    to: time('to'),
    bom: query.get('bom') === '1',
  })
}

export const exportMethods = {
  /**
   * Desktop app: asks where with the save dialog, then streams the export into that file.
   * There is deliberately no path parameter: only the person, through the dialog, picks
   * where the core writes. Web mode refuses (downloads go through `GET /export.csv`).
   */
  'export.save': method(
    z.object({ request: ExportRequest }).strict(),
    ExportResult.nullable(),
    'Export readings to a CSV or JSON file (null when the save dialog was cancelled).',
  ),
}

export const exportEvents = {}
