import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ExportRequest } from '../../../src/shared/contract/export'
import { ApiError } from '../../../src/shared/errors'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { exportHandlers } from '../../../src/main/core/export/export-handlers'
import { ExportService } from '../../../src/main/core/export/export-service'
import type { FileDialogs } from '../../../src/main/core/integrations/file-dialogs'
import { tempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 0, 1)
const service = new ExportService({
  readings: {
    *iterate() {
      yield { deviceId: 'd', metric: 'temperature', ts: T0, value: 20 }
    },
  },
  deviceName: () => 'Desk',
  clock: systemClock,
  logger: silentLogger,
})
const request = ExportRequest.parse({ format: 'csv', from: T0, to: T0 + 1000 })

function dialogs(answer: string | null, asked: unknown[]): FileDialogs {
  return {
    saveFile: async (o) => {
      asked.push(o)
      return answer
    },
    openFile: async () => null,
  }
}

describe('export.save', () => {
  it('writes where the desktop save dialog says, offering a dated file name', async () => {
    const dir = await tempDir()
    try {
      const asked: unknown[] = []
      const target = join(dir.path, 'out.csv')
      const handlers = exportHandlers(service, 'electron', dialogs(target, asked))
      const result = await handlers['export.save']({ request })
      expect(result).toEqual({ path: target, rows: 1, bytes: expect.any(Number) })
      expect(asked).toEqual([
        {
          title: 'Export readings',
          defaultName: 'readings-2026-01-01T00-00Z.csv',
          filters: [{ name: 'CSV', extensions: ['csv'] }],
        },
      ])
      expect(await readFile(target, 'utf8')).toContain('2026-01-01T00:00:00.000Z,d,Desk,20,')
    } finally {
      await dir.cleanup()
    }
  })

  it('returns null when the dialog is cancelled, and refuses in web mode', async () => {
    expect(
      await exportHandlers(service, 'electron', dialogs(null, []))['export.save']({ request }),
    ).toBeNull()
    const refused = await Promise.resolve(
      exportHandlers(service, 'web', undefined)['export.save']({ request }),
    ).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ApiError)
    expect((refused as ApiError).code).toBe('PERMISSION_DENIED')
  })
})
