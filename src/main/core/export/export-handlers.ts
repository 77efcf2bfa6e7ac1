import { exportFileName, type exportMethods } from '../../../shared/contract/export'
import { ApiError } from '../../../shared/errors'
import type { HandlerMap } from '../rpc/handlers'
import type { FileDialogs } from '../integrations/file-dialogs'
import type { ExportService } from './export-service'

export function exportHandlers(
  service: ExportService,
  shell: 'electron' | 'web',
  dialogs: FileDialogs | undefined,
): HandlerMap<keyof typeof exportMethods> {
  return {
    'export.save': async ({ request }) => {
      if (shell === 'web') {
        throw new ApiError(
          'PERMISSION_DENIED',
          'In web mode exports download through the browser (GET /export.csv).',
        )
      }
      if (!dialogs) throw new ApiError('UNAVAILABLE', 'No save dialog is available here.')
      const target = await dialogs.saveFile({
        title: 'Export readings',
        defaultName: exportFileName(request),
        filters: [{ name: request.format.toUpperCase(), extensions: [request.format] }],
      })
      return target === null ? null : service.exportToFile(request, target)
    },
  }
}
