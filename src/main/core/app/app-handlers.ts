import type { AppInfo } from '../../../shared/contract/app'
import type { appMethods } from '../../../shared/contract/app'
import type { HandlerMap } from '../rpc/handlers'

export function appHandlers(info: () => AppInfo): HandlerMap<keyof typeof appMethods> {
  return { 'app.info': () => info() }
}
