import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import type { Writable } from 'node:stream'
import type { ExportRequest, ExportResult } from '../../../shared/contract/export'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import { writeExport, type ExportTotals } from './write-export'

/** What export needs from the readings store: a streaming, time-ordered cursor. */
export interface ReadingsCursor {
  iterate(
    range: { from: number; to: number },
    deviceIds?: readonly string[],
    order?: 'series' | 'time',
  ): Iterable<ReadingPoint> | AsyncIterable<ReadingPoint>
}

export interface ExportServiceOptions {
  readings: ReadingsCursor
  /** Display name of a device, undefined when unknown. */
  deviceName: (id: string) => string | undefined
  clock: Clock
  logger: Logger
}

/** Exports readings to any Writable; the same code serves HTTP, files and the CLI. */
export class ExportService {
  constructor(private readonly options: ExportServiceOptions) {}

  /** Streams `request` into `out` (ended afterwards unless `end` is false). */
  async exportTo(request: ExportRequest, out: Writable, end = true): Promise<ExportTotals> {
    const { readings, deviceName, clock } = this.options
    const ids = request.deviceIds.length > 0 ? request.deviceIds : undefined
    const source = readings.iterate({ from: request.from, to: request.to }, ids, 'time')
    return writeExport(source, out, {
      format: request.format,
      metrics: request.metrics,
      from: request.from,
      to: request.to,
      deviceName: (id) => deviceName(id) ?? id,
      bom: request.bom,
      now: () => clock.now(),
      end,
    })
  }

  /** Writes to `<path>.part` and renames when complete, so a failed export leaves no half file. */
  async exportToFile(request: ExportRequest, path: string): Promise<ExportResult> {
    const part = `${path}.part`
    try {
      const totals = await this.exportTo(request, createWriteStream(part))
      await rename(part, path)
      this.options.logger.info('exported readings', { path, rows: totals.rows })
      return { path, ...totals }
    } catch (error) {
      await rm(part, { force: true })
      throw error
    }
  }
}
