import type { WebhookStatus } from '../../../shared/contract/alerts'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { DiskQueue } from '../influx/disk-queue'
import { postWebhook, safeOrigin, type WebhookOptions, type WebhookTarget } from './webhook'

export interface WebhookQueueOptions {
  /** Folder of the on-disk queue (`<dataDir>/webhook-queue`). */
  dir: string
  clock: Clock
  logger: Logger
  fetch?: WebhookOptions['fetch']
  /** Per request. Default 5 s. */
  timeoutMs?: number
  /** First retry delay; doubles per failure up to maxBackoffMs. Default 1 s. */
  backoffMs?: number
  /** Default 10 min. */
  maxBackoffMs?: number
  /** A notification still undelivered this long after it was queued counts as failed. Default 24 h. */
  maxAgeMs?: number
  /** Queue bound; the oldest notifications are dropped (as failed) beyond it. Default 10 MB. */
  maxBytes?: number
  /**
   * The token to send with a queued notification, looked up when it is sent: the queue's
   * files never hold it (it lives in the sealed secret file with its rule).
   */
  tokenFor?: (ruleId: string, url: string) => string | null
}

interface Entry {
  url: string
  /** The rule whose token goes with it (looked up at send time). */
  ruleId?: string
  /** Only in entries written by versions that kept the token in the queue. */
  token?: string | null
  payload: unknown
  queuedAt: number
}

/**
 * Webhook notifications on their way, one file each in the same DiskQueue as InfluxDB
 * batches: written before the first attempt, deleted once the receiver answered 2xx (or
 * refused it with a 4xx, or it grew older than maxAgeMs). Sent in order, so a receiver gets
 * "cleared" after "fired"; while the oldest one fails, the others wait behind it with
 * exponential backoff. What an earlier run left is sent after a restart.
 */
export class WebhookQueue {
  private readonly queue: DiskQueue
  private readonly counters = { delivered: 0, failed: 0 }
  private pumping: Promise<void> | null = null
  private retryTimer: Timer | null = null
  private backoffMs: number
  private lastError: string | null = null
  private nextAttemptAt: number | null = null
  private closed = false

  constructor(private readonly options: WebhookQueueOptions) {
    this.backoffMs = options.backoffMs ?? 1000
    this.queue = new DiskQueue(options.dir, () => options.maxBytes ?? 10 * 1024 * 1024)
    if (this.queue.length > 0) this.kick()
  }

  /** Queues a notification of rule `ruleId`; its token is not written (see tokenFor). */
  enqueue(target: WebhookTarget, payload: unknown, ruleId: string): void {
    if (this.closed) return
    const entry: Entry = { url: target.url, ruleId, payload, queuedAt: this.now() }
    const dropped = this.queue.push([JSON.stringify(entry)])
    if (dropped > 0) {
      this.counters.failed += dropped
      this.options.logger.warn('webhook queue full: dropped the oldest notifications', { dropped })
    }
    this.kick()
  }

  status(): WebhookStatus {
    return {
      pending: this.queue.length,
      delivered: this.counters.delivered,
      failed: this.counters.failed,
      lastError: this.lastError,
      nextAttemptAt: this.retryTimer !== null ? this.nextAttemptAt : null,
    }
  }

  /** Resolves when no request is in flight (tests, shutdown); retries may still be due. */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping
  }

  /**
   * One attempt right away, resolving with its answer; a failure is queued on disk and retried
   * like any other. For the alert leader, whose hand-over ledger says "delivered" as soon as
   * the receiver answered: the smallest window for a repeat if the process dies right then.
   */
  async sendNow(target: WebhookTarget, payload: unknown, ruleId: string): Promise<void> {
    const result = await postWebhook(target, payload, {
      logger: this.options.logger,
      fetch: this.options.fetch,
      timeoutMs: this.options.timeoutMs,
    })
    if (result.ok) this.counters.delivered++
    else this.enqueue(target, payload, ruleId)
  }

  /** Stops sending; what is queued stays on disk for the next start. */
  async close(): Promise<void> {
    this.closed = true
    if (this.retryTimer !== null) this.options.clock.clearTimeout(this.retryTimer)
    this.retryTimer = null
    await this.idle()
  }

  private now(): number {
    return this.options.clock.now()
  }

  private kick(): void {
    if (this.closed || this.pumping || this.retryTimer !== null) return
    this.pumping = this.pump().finally(() => {
      this.pumping = null
    })
  }

  private async pump(): Promise<void> {
    for (;;) {
      const segment = this.queue.peek()
      if (!segment || this.closed) return
      let entry: Entry
      try {
        entry = JSON.parse(segment.body) as Entry
      } catch {
        this.queue.remove(segment.name)
        this.counters.failed++
        continue
      }
      const token =
        entry.token ??
        (entry.ruleId === undefined
          ? null
          : (this.options.tokenFor?.(entry.ruleId, entry.url) ?? null))
      const result = await postWebhook({ url: entry.url, token }, entry.payload, {
        logger: this.options.logger,
        fetch: this.options.fetch,
        timeoutMs: this.options.timeoutMs,
        attempts: 1,
      })
      if (this.closed) return
      if (result.ok) {
        this.queue.remove(segment.name)
        this.counters.delivered++
        this.backoffMs = this.options.backoffMs ?? 1000
        this.lastError = null
        continue
      }
      this.lastError = result.detail
      const expired = this.now() - entry.queuedAt >= (this.options.maxAgeMs ?? 24 * 3600_000)
      if (!result.retryable || expired) {
        this.queue.remove(segment.name)
        this.counters.failed++
        this.options.logger.warn('webhook notification given up', {
          origin: safeOrigin(entry.url),
          reason: expired ? 'undelivered for too long' : result.detail,
        })
        continue
      }
      this.options.logger.debug('webhook failed, will retry', {
        origin: safeOrigin(entry.url),
        inMs: this.backoffMs,
      })
      this.nextAttemptAt = this.now() + this.backoffMs
      this.retryTimer = this.options.clock.setTimeout(() => {
        this.retryTimer = null
        this.kick()
      }, this.backoffMs)
      ;(this.retryTimer as { unref?: () => void }).unref?.()
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 600_000)
      return
    }
  }
}
