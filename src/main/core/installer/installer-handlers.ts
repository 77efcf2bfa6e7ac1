import type { installerMethods } from '../../../shared/contract/installer'
import type { HandlerMap } from '../rpc/handlers'
import type { InstallerService } from './installer-service'

export function installerHandlers(
  installer: InstallerService,
): HandlerMap<keyof typeof installerMethods> {
  return {
    'installer.run': (request) => installer.run(request),
    'installer.cancel': ({ port }) => ({ cancelled: installer.cancel(port) }),
    'installer.active': () => installer.active(),
    'installer.brokerAddress': () => installer.brokerAddress(),
  }
}
