import type { Clock, Timer } from '../base/clock'
import { FlasherError, cancelledError } from './errors'

/**
 * One running flasher operation and everything that can end it early: the caller's
 * AbortSignal or cancel(), the port disappearing, or a stalled transfer. Each awaited
 * step races against those, so a stuck esptool-js read never holds the UI hostage.
 */
export class Operation {
  failure: FlasherError | null = null
  private readonly failed: Promise<never>
  private rejectFailed: (error: FlasherError) => void = () => undefined
  private watchdog: Timer | null = null
  private readonly clock: Clock
  private readonly unsubscribe: () => void

  constructor(clock: Clock, signal?: AbortSignal) {
    this.clock = clock
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject))
    this.failed.catch(() => undefined)
    const onAbort = () => this.fail(cancelledError())
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    this.unsubscribe = () => signal?.removeEventListener('abort', onAbort)
  }

  get cancelled(): boolean {
    return this.failure?.failure === 'CANCELLED'
  }

  /** First failure wins; later ones are ignored. */
  fail(error: FlasherError): void {
    if (this.failure) return
    this.failure = error
    this.stopWatchdog()
    this.rejectFailed(error)
  }

  /** Awaits `work` unless the operation fails first. `work` keeps running in that case. */
  async step<T>(work: Promise<T>): Promise<T> {
    work.catch(() => undefined)
    if (this.failure) throw this.failure
    return Promise.race([work, this.failed])
  }

  /** Fails with `error` unless `kick()` is called at least every `ms`. */
  startWatchdog(ms: number, error: () => FlasherError): void {
    this.stopWatchdog()
    const arm = () => {
      this.watchdog = this.clock.setTimeout(() => this.fail(error()), ms)
    }
    this.kickFn = () => {
      if (this.watchdog !== null) this.clock.clearTimeout(this.watchdog)
      arm()
    }
    arm()
  }

  kick(): void {
    this.kickFn()
  }

  stopWatchdog(): void {
    if (this.watchdog !== null) this.clock.clearTimeout(this.watchdog)
    this.watchdog = null
    this.kickFn = () => undefined
  }

  dispose(): void {
    this.stopWatchdog()
    this.unsubscribe()
  }

  private kickFn: () => void = () => undefined
}
