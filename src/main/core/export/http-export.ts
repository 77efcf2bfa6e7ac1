import type { ServerResponse } from 'node:http'
import { ZodError } from 'zod'
import { exportFileName, parseExportQuery } from '../../../shared/contract/export'
import type { Logger } from '../base/logger'
import type { ExportService } from './export-service'

const MIME = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' } as const

/**
 * Serves `GET /export.csv?…` / `GET /export.json?…` (query: see exportQueryString) as a
 * streamed download. The web server routes here after checking the token; `format` is the
 * path's extension. Answers 400 with a readable message on bad parameters.
 */
export async function serveExport(
  format: string,
  query: URLSearchParams,
  res: ServerResponse,
  service: ExportService,
  logger: Logger,
): Promise<void> {
  let request
  try {
    request = parseExportQuery(format, query)
  } catch (error) {
    const detail =
      error instanceof ZodError
        ? error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')
        : String(error)
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' })
    res.end(`Bad export request: ${detail}\n`)
    return
  }
  res.writeHead(200, {
    'Content-Type': MIME[request.format],
    'Content-Disposition': `attachment; filename="${exportFileName(request)}"`,
    'Cache-Control': 'no-store',
  })
  try {
    await service.exportTo(request, res)
  } catch (error) {
    // Headers are gone already: all we can do is cut the response so it is visibly incomplete.
    logger.warn('export download aborted', { error })
    res.destroy()
  }
}
