import type { ApiClient, CallOutcome, EventName, MethodName } from '@shared/api'
import { ApiError } from '@shared/errors'

/** What the preload exposes as window.api (see src/preload/index.ts). */
export interface PreloadBridge {
  call(method: string, params: unknown): Promise<CallOutcome>
  on(event: string, listener: (payload: unknown) => void): () => void
}

declare global {
  interface Window {
    api?: PreloadBridge
  }
}

/** ApiClient over Electron IPC: outcomes come back as data and are rethrown as ApiError. */
export function createElectronClient(bridge: PreloadBridge): ApiClient {
  return {
    async call(method: MethodName, params: unknown) {
      const outcome = await bridge.call(method, params)
      if (!outcome.ok) throw ApiError.from(outcome.error)
      return outcome.result as never
    },
    on(event: EventName, listener: (payload: never) => void) {
      return bridge.on(event, listener as (payload: unknown) => void)
    },
  }
}
