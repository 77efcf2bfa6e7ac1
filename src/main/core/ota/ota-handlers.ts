import type { otaMethods } from '../../../shared/contract/ota'
import type { HandlerMap } from '../rpc/handlers'
import type { UpdateService } from './update-service'

export function otaHandlers(service: UpdateService): HandlerMap<keyof typeof otaMethods> {
  return {
    'ota.available': () => service.available(),
    'ota.start': (params) => service.start(params),
    'ota.cancel': ({ job, devices }) => service.cancel(job, devices),
    'ota.jobs': () => service.list(),
  }
}
