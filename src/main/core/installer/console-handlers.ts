import type { consoleMethods } from '../../../shared/contract/console'
import type { ProvisioningService } from '../provisioning'
import type { HandlerMap } from '../rpc/handlers'
import { withHint } from './with-hint'

const ok = { ok: true as const }

export function consoleHandlers(
  provisioning: ProvisioningService,
): HandlerMap<keyof typeof consoleMethods> {
  return {
    'console.open': ({ port }) => withHint(async () => (await provisioning.openConsole(port), ok)),
    'console.write': ({ port, data }) =>
      withHint(async () => (await provisioning.writeConsole(port, data), ok)),
    'console.close': ({ port }) =>
      withHint(async () => (await provisioning.closeConsole(port), ok)),
    'files.list': ({ port, path }) => withHint(() => provisioning.listFiles(port, path)),
    'files.read': ({ port, path }) =>
      withHint(async () => {
        const data = await provisioning.readFile(port, path)
        return { path, size: data.length, base64: data.toString('base64') }
      }),
    'files.remove': ({ port, path }) =>
      withHint(async () => (await provisioning.removeFile(port, path), ok)),
  }
}
