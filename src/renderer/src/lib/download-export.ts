import { ApiError } from '@shared/errors'
import { exportFileName, exportQueryString, type ExportRequestInput } from '@shared/contract/export'
import { downloadBlob } from './download-blob'

/**
 * Web mode: fetches `GET /export.<format>` (the token cookie authenticates it), then hands
 * the file to the browser through an <a download>. Fetching first, rather than linking,
 * lets a refused request show as words on the page instead of a broken download.
 * Returns the file name offered to the browser.
 */
export async function downloadExport(
  request: ExportRequestInput & { from: number; to: number },
): Promise<string> {
  const format = request.format
  let response: Response
  try {
    response = await fetch(`/export.${format}?${exportQueryString(request)}`, {
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(
      'UNAVAILABLE',
      'Could not reach the app to export. Check that it is still running, then try again.',
    )
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).trim().slice(0, 300)
    if (response.status === 401) {
      throw new ApiError(
        'PERMISSION_DENIED',
        'The export was refused: this page is no longer signed in. Open it again with the address the app printed.',
      )
    }
    throw new ApiError(
      'INTERNAL',
      `The export failed (HTTP ${response.status})${detail ? `: ${detail}` : ''}.`,
    )
  }
  const name = exportFileName({ format, from: request.from })
  downloadBlob(await response.blob(), name)
  return name
}
