import type { backupMethods } from '../../../shared/contract/backup'
import { ApiError } from '../../../shared/errors'
import type { FileDialogs } from '../integrations/file-dialogs'
import type { HandlerMap } from '../rpc/handlers'
import type { BackupService } from './backup-service'

const FILTERS = [{ name: 'Backup archive', extensions: ['gz'] }]

/**
 * Archives are named inside `backups/`; files elsewhere only through the desktop app's
 * dialogs, so no client can make the core read or write a path of its choosing.
 */
export function backupHandlers(
  service: BackupService,
  shell: 'electron' | 'web',
  dialogs: FileDialogs | undefined,
): HandlerMap<keyof typeof backupMethods> {
  const needDialogs = (): FileDialogs => {
    if (!dialogs || shell === 'web') {
      throw new ApiError('UNAVAILABLE', 'No file dialog is available here.')
    }
    return dialogs
  }

  return {
    'backup.create': async ({ ask }) => {
      if (!ask) return service.create()
      const target = await needDialogs().saveFile({
        title: 'Save backup',
        defaultName: service.defaultName(),
        filters: FILTERS,
      })
      return target === null ? null : service.create(target)
    },
    'backup.list': () => service.list(),
    'backup.inspect': ({ name }) => service.inspect(service.pathOf(name)),
    'backup.restore': async ({ name, ask, confirm }) => {
      let path: string
      if (ask) {
        const chosen = await needDialogs().openFile({
          title: 'Restore from backup',
          filters: FILTERS,
        })
        if (chosen === null) return null
        path = chosen
      } else if (name !== undefined) path = service.pathOf(name)
      else throw new ApiError('BAD_INPUT', 'Name the backup to restore.')
      const { staged, backup } = await service.restore(path, confirm)
      if (staged) return { status: 'staged' as const, restartRequired: true as const, backup }
      // Held back for a confirmation, which names the archive: one picked in a dialog is
      // copied into backups/ so the second call need not open the dialog again.
      return { status: 'confirm' as const, name: await service.adopt(path), backup }
    },
    'backup.delete': async ({ name }) => {
      await service.delete(name)
      return { ok: true as const }
    },
  }
}
