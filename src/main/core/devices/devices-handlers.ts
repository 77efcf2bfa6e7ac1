import type { devicesMethods } from '../../../shared/contract/devices'
import { ApiError } from '../../../shared/errors'
import type { HandlerMap } from '../rpc/handlers'
import type { HistoryStore } from '../readings/history-store'
import type { DeviceRegistry } from './device-registry'

export function devicesHandlers(
  registry: DeviceRegistry,
  readings: Pick<HistoryStore, 'deleteDevice'>,
): HandlerMap<keyof typeof devicesMethods> {
  return {
    'devices.list': () => registry.list(),
    'devices.get': ({ id }) => registry.get(id),
    'devices.rename': ({ id, name }) => registry.rename(id, name),
    'devices.update': ({ id, location, notes }) => registry.update(id, { location, notes }),
    'devices.forget': async ({ id }) => {
      if (!registry.forget(id)) throw new ApiError('NOT_FOUND', `No device with id "${id}".`)
      await readings.deleteDevice(id)
      return { ok: true as const }
    },
    'devices.events': ({ id, limit }) => registry.events(id, limit),
  }
}
