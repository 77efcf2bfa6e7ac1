import type { Logger } from '../base/logger'

export interface WebhookTarget {
  url: string
  /** Sent as `Authorization: Bearer …`; never logged. */
  token: string | null
}

export interface WebhookOptions {
  logger: Logger
  fetch?: (url: string, init: RequestInit) => Promise<Response>
  /** Per attempt. Default 5 s. */
  timeoutMs?: number
  /** Attempts in total. Default 4 (one try + three retries). */
  attempts?: number
  /** Delay before the first retry; doubles each time. Default 1 s. */
  backoffMs?: number
  sleep?: (ms: number) => Promise<void>
}

export interface WebhookResult {
  ok: boolean
  attempts: number
  detail: string
  /** Worth trying again later (unreachable, timeout, 5xx, 408, 429); false for other 4xx. */
  retryable: boolean
}

/**
 * Where a webhook goes, safe for logs and the UI: scheme, host and port only. Paths and
 * query strings of webhook URLs often are the secret (Slack, Discord, ntfy topics).
 */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return '(invalid URL)'
  }
}

/** 5xx, 408 and 429 are worth another try; any other 4xx will answer the same again. */
function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429
}

/**
 * POSTs `payload` as JSON with a timeout per attempt and exponential backoff between
 * attempts. Resolves with the outcome; never throws.
 */
export async function postWebhook(
  target: WebhookTarget,
  payload: unknown,
  options: WebhookOptions,
): Promise<WebhookResult> {
  const attempts = options.attempts ?? 4
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)))
  const doFetch = options.fetch ?? fetch
  const origin = safeOrigin(target.url)
  const body = JSON.stringify(payload)
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'esp32-iot-control-center',
  }
  if (target.token) headers.Authorization = `Bearer ${target.token}`
  let detail = ''
  let made = 0
  let again = true
  for (let attempt = 1; attempt <= attempts; attempt++) {
    made = attempt
    try {
      const response = await doFetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      })
      await response.body?.cancel()
      if (response.ok) {
        return { ok: true, attempts: attempt, detail: `HTTP ${response.status}`, retryable: false }
      }
      detail = `HTTP ${response.status}`
      again = retryable(response.status)
      if (!again) break
    } catch (error) {
      again = true
      detail =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${options.timeoutMs ?? 5000} ms`
          : `unreachable (${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message})`
    }
    if (attempt < attempts) {
      const delay = (options.backoffMs ?? 1000) * 2 ** (attempt - 1)
      options.logger.debug('webhook failed, retrying', { origin, attempt, detail, delay })
      await sleep(delay)
    }
  }
  options.logger.warn('webhook delivery failed', { origin, detail })
  return { ok: false, attempts: made, detail: `${origin}: ${detail}`, retryable: again }
}
