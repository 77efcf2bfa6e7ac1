/**
 * One board's part of an update job: the app side of docs/ota.md "Flow: the board pulls".
 * Publishes the signed manifest, sends chunks a window at a time from the board's `next`,
 * resends after silence, resumes after the board was offline, and settles on the board's
 * `failed`/`cancelled` status or its `update_ok`/`update_failed` event.
 */
import type { OtaDeviceProgress, OtaDeviceState } from '../../../shared/contract/ota'
import {
  OTA_WINDOW,
  buildManifest,
  cancelPayload,
  chunkPayload,
  newUpdateId,
  otaTopics,
  signManifest,
  type FirmwarePackage,
  type Manifest,
  type OtaEvent,
  type OtaStatus,
} from '../../../shared/ota/node'
import type { Timer } from '../base/clock'
import { TERMINAL, queuedProgress, type DeviceRunContext } from './device-run-context'
import { describeFailure, failureOutcome } from './ota-messages'

export class DeviceRun {
  readonly progress: OtaDeviceProgress
  private update: string | null = null
  private manifest: Manifest | null = null
  private key = ''
  /** Chunks below this were sent since the board last said where it is. */
  private sentUpTo = 0
  /** The board's last `next`; null until it answered the manifest. */
  private boardNext: number | null = null
  private silentResends = 0
  private silence: Timer | null = null
  private confirm: Timer | null = null
  private rate: { at: number; next: number } | null = null

  constructor(
    id: string,
    canary: boolean,
    from: string | null,
    private readonly version: string,
    private readonly pkg: FirmwarePackage,
    private readonly ctx: DeviceRunContext,
  ) {
    this.progress = queuedProgress(id, canary, from)
  }

  get id(): string {
    return this.progress.id
  }

  get state(): OtaDeviceState {
    return this.progress.state
  }

  get terminal(): boolean {
    return TERMINAL.has(this.progress.state)
  }

  /** Sends (or, with the same update id, re-sends so the board resumes) the manifest. */
  send(key: string): void {
    this.key = key
    this.update ??= newUpdateId()
    this.manifest ??= buildManifest(this.pkg, this.update, this.ctx.chunkSize)
    this.progress.total = this.manifest.total
    this.progress.startedAt ??= this.ctx.clock.now()
    this.boardNext = null
    this.rate = null
    this.set('sending', 'Sending the manifest')
    this.publishManifest()
    this.armSilence()
  }

  /** Offline: stop sending; `send` again when it is back (the board resumes from `next`). */
  pause(message: string): void {
    this.stopTimers()
    this.set('waiting', message)
  }

  /** The board's `ota/status` for this device. */
  onStatus(status: OtaStatus): void {
    if (this.terminal || status.update === null || status.update !== this.update) {
      // A manifest-less `idle` while we are sending: the board lost our update; start again.
      if (status.state === 'idle' && this.state === 'sending' && this.key) this.send(this.key)
      return
    }
    this.silentResends = 0
    switch (status.state) {
      case 'receiving':
        // Not while queued/waiting: the board hears the manifest again when its turn comes.
        if (this.state !== 'sending' && this.state !== 'verifying') return
        return this.onReceiving(status)
      case 'verifying':
        this.stopTimers()
        this.progress.next = this.progress.total
        this.progress.etaS = 0
        return this.set('verifying', 'The board is checking the files')
      case 'applying':
        this.stopTimers()
        this.set('applying', 'The board is swapping in the new files and restarting')
        this.armConfirm()
        return this.ctx.settled()
      case 'failed':
        // `busy` for our update after every chunk went out: the board swapped it in and reset
        // before its `applying` status left; it is on trial with this update.
        if (this.onTrialOfOurs(status.reason)) return this.awaitConfirmation()
        return this.finish('failed', status.reason ?? 'failed', describeFailure(status))
      case 'cancelled':
        return this.finish('cancelled', 'cancelled', 'Cancelled: the board discarded the update')
    }
  }

  /**
   * `update_ok` / `update_failed` on the device's event topic. An `update_failed` about this
   * update ends the run whatever the state: refused before the swap (`rolled_back: false`,
   * e.g. `busy` or `corrupt_chunk` while sending) or rolled back after it.
   */
  onEvent(event: OtaEvent): void {
    if (this.terminal) return
    if (event.event === 'update_ok') {
      if (event.version !== this.version) return
      return this.finish('done', null, `Now running ${event.version}`)
    }
    // Before our manifest went out, or about another update id, a failure is not this job's.
    if (this.state === 'queued' || this.state === 'waiting') return
    if (event.update !== undefined && event.update !== this.update) return
    if (!event.rolled_back && this.onTrialOfOurs(event.reason)) return this.awaitConfirmation()
    const { reason, message } = failureOutcome(event)
    this.finish('failed', reason, message)
  }

  /** The registry's view of the board changed (status online/offline, info.fw). */
  onPresence(online: boolean | null, fw: string | null): void {
    if (
      this.state === 'applying' &&
      (online === false || (fw !== null && fw !== this.progress.from))
    ) {
      this.set('rebooting', 'Restarting into the new version')
    }
    if (this.state === 'rebooting' && online === true && fw === this.version) {
      this.progress.message = `Running ${this.version}; confirming (30 s online)`
      this.ctx.changed()
    }
  }

  /**
   * The board runs (or is booting) the new version on trial: wait for its `update_ok`, or its
   * rollback. For a board that went away after the last chunk and came back with it.
   */
  awaitConfirmation(): void {
    if (this.terminal) return
    this.stopTimers()
    this.progress.next = this.progress.total
    this.set('rebooting', 'Restarting into the new version')
    this.armConfirm()
    this.ctx.settled()
  }

  /** Every chunk went out at least once (what the board staged may be all of it). */
  sentAll(): boolean {
    return this.progress.total > 0 && this.sentUpTo >= this.progress.total
  }

  /** A refusal that means the board is on trial with this very update (see onStatus). */
  private onTrialOfOurs(reason: string | undefined): boolean {
    return reason === 'busy' && this.sentAll()
  }

  /** Cancel before the swap: tells the board to discard what it staged. */
  cancel(): boolean {
    if (this.terminal) return false
    if (this.state === 'applying' || this.state === 'rebooting') {
      this.progress.message = 'Already swapping files: the update can no longer be cancelled'
      this.ctx.changed()
      return false
    }
    if (this.update && (this.state === 'sending' || this.state === 'verifying')) {
      const topic = otaTopics(this.ctx.prefix(), this.id).cancel
      this.publish(topic, Buffer.from(cancelPayload(this.update)))
    }
    this.finish('cancelled', 'cancelled', 'Cancelled')
    return true
  }

  /** Ends the run (also used by the service: skipped, no key, canary failed). */
  finish(state: OtaDeviceState, reason: string | null, message: string): void {
    if (this.terminal) return
    this.stopTimers()
    this.progress.reason = reason
    this.progress.finishedAt = this.ctx.clock.now()
    if (state === 'done') this.progress.etaS = 0
    this.set(state, message)
    this.ctx.settled()
  }

  dispose(): void {
    this.stopTimers()
  }

  private onReceiving(status: OtaStatus): void {
    const total = this.progress.total
    const next = Math.min(status.next ?? 0, total)
    const now = this.ctx.clock.now()
    // Below what was sent: a chunk was lost (the board asks once per gap) or damaged (`retry`),
    // or the board went back. Rewind, so the window goes out again from there.
    if (status.retry || this.boardNext === null || next < this.sentUpTo) this.sentUpTo = next
    this.boardNext = next
    this.rate ??= { at: now, next }
    const elapsedS = (now - this.rate.at) / 1000
    const done = next - this.rate.next
    this.progress.etaS = done > 0 && elapsedS > 0 ? ((total - next) * elapsedS) / done : null
    this.progress.next = next
    if (this.state !== 'sending') this.set('sending', null)
    this.progress.message = `Receiving: ${next} of ${total} chunks`
    this.ctx.changed()
    this.sendWindow()
    this.armSilence()
  }

  /** Chunks from where the board is up to `next + window`, each sent once per window. */
  private sendWindow(): void {
    if (!this.manifest || this.boardNext === null) return
    const end = Math.min(this.boardNext + OTA_WINDOW, this.manifest.total)
    const topic = otaTopics(this.ctx.prefix(), this.id).chunk
    for (let n = Math.max(this.sentUpTo, this.boardNext); n < end; n++) {
      this.publish(topic, chunkPayload(this.pkg, this.manifest, n))
    }
    this.sentUpTo = Math.max(this.sentUpTo, end)
  }

  private publishManifest(): void {
    if (!this.manifest) return
    const payload = JSON.stringify(signManifest(this.manifest, this.key))
    this.publish(otaTopics(this.ctx.prefix(), this.id).manifest, Buffer.from(payload))
  }

  /** Nothing heard for a while: resend from the board's `next` (or the manifest again). */
  private armSilence(): void {
    if (this.silence) this.ctx.clock.clearTimeout(this.silence)
    this.silence = this.ctx.clock.setTimeout(() => {
      this.silence = null
      if (this.state !== 'sending' && this.state !== 'verifying') return
      this.silentResends++
      if (this.silentResends > this.ctx.maxSilentResends) {
        const s = Math.round((this.ctx.resendAfterMs * this.silentResends) / 1000)
        return this.finish('failed', 'no_response', `The board did not answer for ${s} s`)
      }
      this.ctx.logger.debug('OTA resend after silence', { id: this.id, next: this.boardNext })
      if (this.state === 'sending' && this.boardNext === null) this.publishManifest()
      else if (this.state === 'sending') {
        this.sentUpTo = this.boardNext ?? 0
        this.sendWindow()
      }
      this.armSilence()
    }, this.ctx.resendAfterMs)
  }

  private armConfirm(): void {
    this.confirm = this.ctx.clock.setTimeout(() => {
      this.confirm = null
      const minutes = Math.round(this.ctx.confirmTimeoutMs / 60_000)
      this.finish(
        'failed',
        'no_confirmation',
        `No update_ok within ${minutes} min of the swap: check the board`,
      )
    }, this.ctx.confirmTimeoutMs)
  }

  private stopTimers(): void {
    if (this.silence) this.ctx.clock.clearTimeout(this.silence)
    if (this.confirm) this.ctx.clock.clearTimeout(this.confirm)
    this.silence = null
    this.confirm = null
  }

  private set(state: OtaDeviceState, message: string | null): void {
    this.progress.state = state
    if (message !== null) this.progress.message = message
    this.ctx.changed()
  }

  private publish(topic: string, payload: Buffer): void {
    this.ctx.publish(this.id, topic, payload).catch((error: unknown) => {
      // The silence timer sends again; only say why in the log.
      this.ctx.logger.warn('OTA publish failed', {
        id: this.id,
        topic,
        error: (error as Error).message,
      })
    })
  }
}
