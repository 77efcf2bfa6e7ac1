import type { Writable } from 'node:stream'
import type { ExportFormat } from '../../../shared/contract/export'
import type { ReadingPoint } from '../../../shared/contract/readings'
import { csvNumber, csvRecord, csvText } from './csv'
import { StreamWriter } from './stream-writer'
import { metricHeader, unitOf } from './units'
import { wideRows } from './wide-rows'

export interface WriteExportOptions {
  format: ExportFormat
  metrics: readonly string[]
  /** The requested range, echoed in the JSON header. */
  from: number
  to: number
  /** Display name of a device id (ids not known come out with their id as name). */
  deviceName: (id: string) => string
  /** CSV only: start with a UTF-8 BOM (for Excel). */
  bom?: boolean
  now: () => number
  /** End `out` when done (false for stdout). Default true. */
  end?: boolean
}

export interface ExportTotals {
  rows: number
  bytes: number
}

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * Streams readings (sorted by time, then device) as CSV or JSON into `out`. One function
 * for every destination: an HTTP response (web mode), a file (desktop save dialog) and
 * stdout (CLI). Timestamps are ISO-8601 UTC with milliseconds; units are in the headers.
 */
export async function writeExport(
  source: Iterable<ReadingPoint> | AsyncIterable<ReadingPoint>,
  out: Writable,
  options: WriteExportOptions,
): Promise<ExportTotals> {
  const writer = new StreamWriter(out)
  try {
    const rows =
      options.format === 'csv'
        ? await writeCsv(source, writer, options)
        : await writeJson(source, writer, options)
    await writer.finish(options.end ?? true)
    return { rows, bytes: writer.bytes }
  } catch (error) {
    writer.detach()
    throw error
  }
}

async function writeCsv(
  source: Iterable<ReadingPoint> | AsyncIterable<ReadingPoint>,
  writer: StreamWriter,
  options: WriteExportOptions,
): Promise<number> {
  const header = ['time (UTC)', 'device id', 'device name', ...options.metrics.map(metricHeader)]
  await writer.write((options.bom ? '\uFEFF' : '') + csvRecord(header.map(csvText)))
  let rows = 0
  for await (const row of wideRows(source, options.metrics)) {
    const values = options.metrics.map((m) => csvNumber(row.values.get(m)))
    const fields = [iso(row.ts), csvText(row.deviceId), csvText(options.deviceName(row.deviceId))]
    await writer.write(csvRecord([...fields, ...values]))
    rows++
  }
  return rows
}

/**
 * A single JSON document, written incrementally: header fields, then `readings` one
 * element at a time, then the devices that appeared (known only at the end).
 */
async function writeJson(
  source: Iterable<ReadingPoint> | AsyncIterable<ReadingPoint>,
  writer: StreamWriter,
  options: WriteExportOptions,
): Promise<number> {
  const units: Record<string, string | null> = {}
  for (const metric of options.metrics) units[metric] = unitOf(metric)
  const head = {
    format: 'iotcc-readings',
    version: 1,
    exportedAt: iso(options.now()),
    from: iso(options.from),
    to: iso(options.to),
    units,
  }
  await writer.write(`${JSON.stringify(head, null, 1).slice(0, -2)},\n "readings": [`)
  const seen = new Set<string>()
  let rows = 0
  for await (const row of wideRows(source, options.metrics)) {
    const item: Record<string, string | number> = { time: iso(row.ts), device: row.deviceId }
    for (const metric of options.metrics) {
      const value = row.values.get(metric)
      if (value !== undefined) item[metric] = value
    }
    seen.add(row.deviceId)
    await writer.write(`${rows === 0 ? '\n  ' : ',\n  '}${JSON.stringify(item)}`)
    rows++
  }
  const devices = [...seen].sort().map((id) => ({ id, name: options.deviceName(id) }))
  await writer.write(`${rows === 0 ? '' : '\n '}],\n "devices": ${JSON.stringify(devices)}\n}\n`)
  return rows
}
