import { useCallback, useEffect, useState } from 'react'
import type { BrokerStats, BrokerStatus } from '@shared/contract/broker'
import { useApi, useEvent } from '../api/api-context'

/**
 * The embedded broker's status, with the once-a-second `broker.stats` numbers merged in.
 * Listeners change only with settings (port, TLS), so the full status is re-read then.
 */
export function useBrokerStatus(): {
  status: BrokerStatus | undefined
  error: unknown
  reload: () => void
} {
  const api = useApi()
  const [status, setStatus] = useState<BrokerStatus>()
  const [error, setError] = useState<unknown>()
  const [attempt, setAttempt] = useState(0)
  const reload = useCallback(() => setAttempt((n) => n + 1), [])

  useEffect(() => {
    let current = true
    api.call('broker.status', {}).then(
      (next) => {
        if (!current) return
        setStatus(next)
        setError(undefined)
      },
      (e: unknown) => current && setError(e),
    )
    return () => {
      current = false
    }
  }, [api, attempt])

  useEvent(
    'broker.stats',
    useCallback((stats: BrokerStats) => setStatus((old) => (old ? { ...old, ...stats } : old)), []),
  )
  // A settings change may restart listeners (port, TLS): give the broker a moment, then re-read.
  useEvent(
    'settings.changed',
    useCallback(() => {
      setTimeout(reload, 500)
    }, [reload]),
  )
  return { status, error, reload }
}

/** The address a device on the LAN should use: first LAN address and the plain TCP listener. */
export function deviceAddress(
  status: BrokerStatus,
): { host: string; port: number; tlsPort: number | null } | null {
  const tcp = status.listeners.find((l) => l.kind === 'tcp')
  const tls = status.listeners.find((l) => l.kind === 'tls')
  const lanHost = status.lanAddresses[0]
  const host = lanHost ?? (tcp && tcp.host !== '0.0.0.0' ? tcp.host : '127.0.0.1')
  if (!tcp && !tls) return null
  return { host, port: tcp?.port ?? tls?.port ?? 1883, tlsPort: tls?.port ?? null }
}
