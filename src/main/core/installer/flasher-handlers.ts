import type { flasherMethods } from '../../../shared/contract/flasher'
import type { FlasherService } from '../flasher'
import type { HandlerMap } from '../rpc/handlers'
import type { LocalFirmwareStore } from './local-firmware'
import { withHint } from './with-hint'

export function flasherHandlers(
  flasher: FlasherService,
  localFirmware: LocalFirmwareStore,
): HandlerMap<keyof typeof flasherMethods> {
  return {
    'flasher.listPorts': () => withHint(() => flasher.listPorts()),
    'flasher.describePort': ({ path }) => withHint(() => flasher.describePort(path)),
    'flasher.detect': ({ port }) => withHint(() => flasher.detect({ port })),
    'firmware.catalog': ({ chip }) => flasher.catalog(chip),
    'firmware.download': ({ id }) => withHint(() => flasher.download(id)),
    'firmware.importBegin': ({ name, size }) => localFirmware.begin(name, size),
    'firmware.importChunk': ({ uploadId, index, data }) =>
      localFirmware.chunk(uploadId, index, data),
    'firmware.importFinish': ({ uploadId }) => withHint(() => localFirmware.finish(uploadId)),
    'firmware.validateLocal': ({ localId, chip, flashSizeBytes }) =>
      withHint(async () =>
        flasher.validateLocal({
          path: await localFirmware.path(localId),
          ...(chip ? { chip } : {}),
          ...(flashSizeBytes ? { flashSizeBytes } : {}),
        }),
      ),
  }
}
