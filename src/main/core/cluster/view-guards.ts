import type { devicesMethods } from '../../../shared/contract/devices'
import { ApiError } from '../../../shared/errors'
import type { HandlerMap } from '../rpc/handlers'
import type { ClusterConfig } from './cluster-config'

/**
 * What a `view` instance refuses: it never writes to the shared history, and forgetting a
 * device deletes its readings there for every instance. Empty for the other roles.
 */
export function viewGuards(
  cluster: ClusterConfig,
): Partial<HandlerMap<keyof typeof devicesMethods>> {
  if (cluster.role !== 'view') return {}
  return {
    'devices.forget': () => {
      throw new ApiError(
        'UNAVAILABLE',
        'This is a view instance: it never changes the shared history. Forget the device on an ingest instance (and clear its retained status/info messages on the broker, or it comes back).',
      )
    },
  }
}
