import { useCallback, useEffect, useState } from 'react'
import type { WebhookStatus } from '@shared/contract/alerts'
import { useApi } from '../api/api-context'
import { formatDateTime } from '../lib/time'

/**
 * One line under the tabs while webhook notifications wait for their receiver or were given
 * up: nothing when all went through. Polled; the queue changes only on retries.
 */
export function WebhookStatusLine() {
  const api = useApi()
  const [status, setStatus] = useState<WebhookStatus>()
  const refresh = useCallback(() => {
    api.call('alerts.webhookStatus', {}).then(setStatus, () => setStatus(undefined))
  }, [api])
  useEffect(() => {
    refresh()
    const timer = setInterval(refresh, 5000)
    return () => clearInterval(timer)
  }, [refresh])
  if (!status || (status.pending === 0 && status.failed === 0)) return null
  const parts: string[] = []
  if (status.pending > 0) {
    parts.push(
      `${status.pending} webhook notification${status.pending === 1 ? '' : 's'} waiting to be delivered` +
        (status.nextAttemptAt !== null ? `, next try ${formatDateTime(status.nextAttemptAt)}` : ''),
    )
  }
  if (status.failed > 0) {
    parts.push(`${status.failed} given up (refused, or undelivered for 24 h) since the app started`)
  }
  return (
    <p className={status.failed > 0 ? 'note-error' : 'muted'} role="status">
      {parts.join('; ')}
      {status.lastError ? ` — last error: ${status.lastError}` : ''}
    </p>
  )
}
