import { join } from 'node:path'
import type { AlertIncident } from '../../../shared/contract/alerts'
import type { InfluxStatus } from '../../../shared/contract/integrations'
import type { ReadingPoint } from '../../../shared/contract/readings'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { DiskQueue } from './disk-queue'
import { InfluxClient, type FetchLike, type InfluxTarget } from './influx-client'
import { readingsToLines, toLine } from './line-protocol'

/** Everything the forwarder needs, secrets included; null from `config()` = forwarding off. */
export interface InfluxForwardConfig extends InfluxTarget {
  measurement: string
  alertsMeasurement: string
  createDatabase: boolean
  batchSize: number
  flushIntervalS: number
  maxQueueMB: number
}

export interface InfluxForwarderOptions {
  dataDir: string
  clock: Clock
  logger: Logger
  config: () => InfluxForwardConfig | null
  fetch?: FetchLike
  onStatus?: (status: InfluxStatus) => void
  /** First retry delay (doubles per failure up to maxBackoffMs). */
  minBackoffMs?: number
  maxBackoffMs?: number
  requestTimeoutMs?: number
}

/**
 * Forwards readings (and alert incidents) to InfluxDB as batched line-protocol writes.
 * Lines collect in memory for `flushIntervalS` or `batchSize` lines, then go to the on-disk
 * queue and from there to InfluxDB, oldest first; a batch leaves the disk only once InfluxDB
 * accepted it. While InfluxDB is down we retry with exponential backoff, and when it comes
 * back the queue drains in order: nothing is lost unless the queue's size bound is reached.
 */
export class InfluxForwarder {
  private readonly queue: DiskQueue
  private buffer: string[] = []
  private flushTimer: Timer | null = null
  private retryTimer: Timer | null = null
  private statusTimer: Timer | null = null
  private backoffMs: number
  private pumping: Promise<void> | null = null
  private abort: AbortController | null = null
  private databaseReadyFor: string | null = null
  private closed = false
  private counters = { sent: 0, dropped: 0, rejected: 0 }
  private state: InfluxStatus['state'] = 'idle'
  private lastError: string | null = null
  private lastSuccessAt: number | null = null

  constructor(private readonly options: InfluxForwarderOptions) {
    this.backoffMs = options.minBackoffMs ?? 1000
    this.queue = new DiskQueue(join(options.dataDir, 'influx-queue'), () => {
      const mb = options.config()?.maxQueueMB ?? 50
      return mb * 1024 * 1024
    })
    // Whatever an earlier run (or an outage before a restart) left behind goes first.
    if (this.queue.length > 0) this.kick()
  }

  /** Lines in memory, not yet in the on-disk queue. */
  get buffered(): number {
    return this.buffer.length
  }

  addReadings(points: readonly ReadingPoint[]): void {
    const config = this.options.config()
    if (!config || this.closed || points.length === 0) return
    this.addLines(readingsToLines(points, config.measurement), config)
  }

  /**
   * An incident change as a point: `active` 1 at firedAt, 0 at clearedAt; `message` is what
   * the retained MQTT state's `last.message` says (the firing message, or why it cleared), so
   * telegraf.conf reading that state writes the very same series (docs/tig-home-assistant.md).
   */
  addAlert(incident: AlertIncident, clearReason?: string): void {
    const config = this.options.config()
    if (!config || this.closed) return
    const active = incident.clearedAt === null
    const fields: Record<string, number | string | { int: number }> = {
      active: { int: active ? 1 : 0 },
      message: active ? incident.message : (clearReason ?? 'cleared'),
    }
    if (incident.value !== null) fields.value = incident.value
    const line = toLine({
      measurement: config.alertsMeasurement,
      tags: { rule: incident.ruleId, device: incident.deviceId },
      fields,
      ts: active ? incident.firedAt : (incident.clearedAt as number),
    })
    if (line !== null) this.addLines([line], config)
  }

  status(): InfluxStatus {
    const config = this.options.config()
    return {
      state: config ? this.state : 'off',
      lastError: this.lastError,
      lastSuccessAt: this.lastSuccessAt,
      sent: this.counters.sent,
      pending: this.buffer.length + this.queue.lines,
      queuedBytes: this.queue.bytes,
      dropped: this.counters.dropped,
      rejected: this.counters.rejected,
    }
  }

  /** Settings changed: forget backoff and the database check, and try again now. */
  reconfigure(): void {
    this.databaseReadyFor = null
    this.backoffMs = this.options.minBackoffMs ?? 1000
    if (this.retryTimer !== null) {
      this.options.clock.clearTimeout(this.retryTimer)
      this.retryTimer = null
    }
    this.lastError = null
    this.state = this.queue.length > 0 ? 'retrying' : 'idle'
    this.emitStatus(true)
    this.flush()
  }

  /** Moves buffered lines to the disk queue (in batches) and starts sending. */
  flush(): void {
    this.spill()
    this.kick()
  }

  /** Resolves when nothing is in flight (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping
  }

  /** Keeps unsent lines on disk for the next start; aborts a request in flight. */
  async close(): Promise<void> {
    if (this.closed) return
    this.spill()
    this.closed = true
    for (const timer of [this.flushTimer, this.retryTimer, this.statusTimer]) {
      if (timer !== null) this.options.clock.clearTimeout(timer)
    }
    this.abort?.abort()
    await this.idle()
  }

  private spill(): void {
    if (this.flushTimer !== null) {
      this.options.clock.clearTimeout(this.flushTimer)
      this.flushTimer = null
    }
    const config = this.options.config()
    if (!config || this.buffer.length === 0) return
    const lines = this.buffer
    this.buffer = []
    for (let i = 0; i < lines.length; i += config.batchSize) {
      const dropped = this.queue.push(lines.slice(i, i + config.batchSize))
      if (dropped > 0) {
        this.counters.dropped += dropped
        this.options.logger.warn('InfluxDB queue full: dropped the oldest lines', { dropped })
      }
    }
  }

  private addLines(lines: string[], config: InfluxForwardConfig): void {
    for (const line of lines) this.buffer.push(line)
    if (this.buffer.length >= config.batchSize) this.flush()
    else if (this.flushTimer === null) {
      this.flushTimer = this.options.clock.setTimeout(() => {
        this.flushTimer = null
        this.flush()
      }, config.flushIntervalS * 1000)
      unref(this.flushTimer)
    }
  }

  /** Starts the sender unless it runs already or waits for its retry timer. */
  private kick(): void {
    if (this.closed || this.pumping || this.retryTimer !== null) return
    this.pumping = this.pump().finally(() => {
      this.pumping = null
    })
  }

  private async pump(): Promise<void> {
    for (;;) {
      const config = this.options.config()
      const segment = this.queue.peek()
      if (!config || !segment || this.closed) break
      this.abort = new AbortController()
      const client = new InfluxClient(
        config,
        (url, init) =>
          (this.options.fetch ?? fetch)(url, {
            ...init,
            signal: AbortSignal.any([init.signal, this.abort?.signal].filter(isSignal)),
          }),
        this.options.requestTimeoutMs,
      )
      const ready = await this.ensureDatabase(client, config)
      const outcome =
        ready === null ? await client.write(segment.body) : { kind: 'retry' as const, error: ready }
      if (this.closed) break
      if (outcome.kind === 'retry') {
        this.fail(outcome.error)
        return
      }
      this.queue.remove(segment.name)
      if (outcome.kind === 'ok') {
        this.counters.sent += segment.lines
        this.lastSuccessAt = this.options.clock.now()
        this.backoffMs = this.options.minBackoffMs ?? 1000
        if (this.state !== 'ok') this.options.logger.info('InfluxDB writes are going through')
        this.state = 'ok'
        this.lastError = null
      } else {
        this.counters.rejected += segment.lines
        this.lastError = outcome.error
        this.options.logger.warn('InfluxDB rejected a batch', {
          lines: segment.lines,
          error: outcome.error,
        })
      }
      this.emitStatus(false)
    }
    this.emitStatus(true)
  }

  private async ensureDatabase(
    client: InfluxClient,
    config: InfluxForwardConfig,
  ): Promise<string | null> {
    if (config.version !== '1' || !config.createDatabase) return null
    const key = `${config.url}|${config.database}|${config.username}`
    if (this.databaseReadyFor === key) return null
    const error = await client.createDatabase()
    if (error === null) this.databaseReadyFor = key
    return error
  }

  private fail(error: string): void {
    if (this.state !== 'retrying' || this.lastError !== error) {
      this.options.logger.warn('InfluxDB write failed; will retry', {
        error,
        retryInMs: this.backoffMs,
      })
    }
    this.state = 'retrying'
    this.lastError = error
    this.retryTimer = this.options.clock.setTimeout(() => {
      this.retryTimer = null
      this.kick()
    }, this.backoffMs)
    unref(this.retryTimer)
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 60_000)
    this.emitStatus(true)
  }

  /** State changes go out at once; counter updates at most once a second. */
  private emitStatus(force: boolean): void {
    const onStatus = this.options.onStatus
    if (!onStatus || this.closed) return
    if (force) {
      if (this.statusTimer !== null) this.options.clock.clearTimeout(this.statusTimer)
      this.statusTimer = null
      onStatus(this.status())
      return
    }
    if (this.statusTimer !== null) return
    this.statusTimer = this.options.clock.setTimeout(() => {
      this.statusTimer = null
      if (!this.closed) onStatus(this.status())
    }, 1000)
  }
}

function unref(timer: Timer): void {
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref?.()
}

function isSignal(signal: AbortSignal | null | undefined): signal is AbortSignal {
  return signal !== null && signal !== undefined
}
