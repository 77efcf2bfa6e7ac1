import { useCallback } from 'react'
import type { ExportRequestInput } from '@shared/contract/export'
import { useApi, useShell } from '../api/api-context'
import { downloadExport } from './download-export'

type Request = ExportRequestInput & { from: number; to: number }

const count = new Intl.NumberFormat()

/**
 * Exports readings the way the shell allows: a browser download in web mode; in the
 * desktop app the core writes the file where the save dialog says.
 * Resolves to a sentence for the person, or null when they cancelled the dialog.
 */
export function useExportReadings(): (request: Request) => Promise<string | null> {
  const api = useApi()
  const shell = useShell()
  return useCallback(
    async (request: Request) => {
      if (shell === 'web') return `Downloaded ${await downloadExport(request)}.`
      const saved = await api.call('export.save', { request })
      return saved ? `Saved ${count.format(saved.rows)} rows to ${saved.path}.` : null
    },
    [api, shell],
  )
}
