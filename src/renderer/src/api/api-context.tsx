import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import type { ApiClient, EventName, EventPayload } from '@shared/api'
import type { ClientHandle } from './create-client'
import type { ConnectionState } from './ws-client'

const ApiContext = createContext<ClientHandle | null>(null)

export function ApiProvider({ handle, children }: { handle: ClientHandle; children: ReactNode }) {
  return <ApiContext.Provider value={handle}>{children}</ApiContext.Provider>
}

function useHandle(): ClientHandle {
  const handle = useContext(ApiContext)
  if (!handle) throw new Error('useApi outside ApiProvider')
  return handle
}

export function useApi(): ApiClient {
  return useHandle().client
}

export function useShell(): 'electron' | 'web' {
  return useHandle().shell
}

/** Subscribes to one contract event for the component's lifetime. */
export function useEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  const client = useApi()
  useEffect(() => client.on(event, listener), [client, event, listener])
}

/** The WebSocket's state in web mode; always 'open' in Electron. */
export function useConnectionState(): ConnectionState {
  const { onState } = useHandle()
  const [state, setState] = useState<ConnectionState>('open')
  useEffect(() => onState?.(setState), [onState])
  return state
}
