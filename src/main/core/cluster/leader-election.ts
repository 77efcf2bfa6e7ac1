import { connect, type MqttClient } from 'mqtt'
import type { Clock, Timer } from '../base/clock'
import type { Logger } from '../base/logger'
import { clusterFilter, leaderTopic } from './cluster-topics'

export interface LeaderElectionOptions {
  url: string
  prefix: string
  /** Unique per process (ClusterConfig.runId): what a claim names. */
  runId: string
  clock: Clock
  logger: Logger
  /** Keepalive of the leader's connection: a silent leader is declared dead after 1.5 × this. */
  keepaliveS: number
  /** Wait for the retained claim after subscribing before calling the seat vacant (ms). */
  settleMs?: number
  /** Least wait before claiming a vacancy, plus a random part up to the same again (ms). */
  claimDelayMs?: number
  /** Every other message under `<prefix>/cluster/` (the alert hand-over ledger). */
  onClusterMessage?: (topic: string, payload: Buffer) => void
}

interface Claim {
  leader: string
  since: string
}

/**
 * Chooses one alert leader among the ingest instances through the broker alone (no instance
 * talks to another). The seat is the retained `<prefix>/cluster/leader` message:
 *
 * - Every instance watches it on a *watch* connection (clean session, no Will).
 * - Seeing it empty (a zero-byte retained message deletes it, MQTT 3.1.1 §3.3.1.3), or finding
 *   none on subscribe, an instance waits a random moment and claims: it opens a *leader*
 *   connection whose Last Will empties the seat (§3.1.2.5) and publishes its claim, retained,
 *   on it. A process that dies (kill -9, power loss) closes its socket, or stops answering
 *   and is cut off after 1.5 × keepalive (§3.1.2.10): either way the broker publishes the
 *   Will, everyone sees the seat empty and claims again.
 * - The broker sends one topic's messages to each subscriber in the same order (§4.6), so
 *   "the first claim after the seat emptied wins" gives every instance the same answer.
 *   A loser disconnects cleanly (no Will). The winner republishes its claim when a later
 *   claim overwrote the retained one, and when a stray Will emptied the seat under it.
 * - Instances that never claimed have no Will: their deaths never touch the seat.
 * - The leader renews its claim every keepalive; a claim not renewed for 3 × keepalive (its
 *   holder died while the broker was down, so no Will was sent, and the broker kept the
 *   retained claim) is emptied by whoever notices, and the instances claim again.
 */
export class LeaderElection {
  private watch?: MqttClient
  private seat?: MqttClient
  private current: string | null = null
  private claimTimer: Timer | null = null
  private settleTimer: Timer | null = null
  /** Leader: republishes its claim every keepalive. Others: declare a silent claim stale. */
  private beatTimer: Timer | null = null
  private staleTimer: Timer | null = null
  private leading = false
  private closed = false
  private readonly listeners = new Set<(leading: boolean) => void>()

  constructor(private readonly options: LeaderElectionOptions) {}

  /** This instance's run id (what its claims name). */
  get runId(): string {
    return this.options.runId
  }

  /** The run id of the leader as this instance sees it (null: seat empty). */
  get leader(): string | null {
    return this.current
  }

  get isLeader(): boolean {
    return this.leading
  }

  onChange(listener: (leading: boolean) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start(): void {
    const { url, runId, prefix } = this.options
    const watch = connect(url, {
      clientId: `iotcc-${runId}-elect`,
      clean: true,
      keepalive: this.options.keepaliveS,
      reconnectPeriod: 1000,
    })
    this.watch = watch
    watch.on('connect', () => {
      // A fresh subscription: the retained claim (or none) tells who leads now.
      this.current = null
      watch.subscribe(clusterFilter(prefix), { qos: 1 }, (error) => {
        if (error) return this.options.logger.warn('cluster watch refused', { error })
        this.clearTimer('settle')
        this.settleTimer = this.options.clock.setTimeout(() => {
          this.settleTimer = null
          if (this.current === null) this.scheduleClaim()
        }, this.options.settleMs ?? 500)
      })
    })
    watch.on('message', (topic, payload) => {
      if (topic === leaderTopic(prefix)) this.onSeat(payload)
      else this.options.onClusterMessage?.(topic, payload)
    })
    watch.on('error', (error) => this.options.logger.info('cluster watch problem', { error }))
  }

  /**
   * Publishes on the watch connection (QoS 1, not retained): the ingest instances' stored
   * acknowledgements. False while it is not connected (the caller keeps the payload).
   */
  publishOnWatch(topic: string, payload: Buffer): boolean {
    const watch = this.watch
    if (!watch?.connected) return false
    watch.publish(topic, payload, { qos: 1 }, (error) => {
      if (error) this.options.logger.info('acknowledgement not published', { error })
    })
    return true
  }

  /** Publishes on the leader's connection (after its claim, before its Will); rejects when not leading. */
  async publishAsLeader(topic: string, payload: string, retain: boolean): Promise<void> {
    const seat = this.seat
    if (!this.leading || !seat) throw new Error('not the alert leader')
    await seat.publishAsync(topic, payload, { qos: 1, retain })
  }

  async close(): Promise<void> {
    this.closed = true
    this.clearTimer('claim')
    this.clearTimer('settle')
    this.clearTimer('beat')
    this.clearTimer('stale')
    const wasLeading = this.leading
    this.setLeading(false)
    // A clean DISCONNECT discards the Will (§3.14.4): empty the seat ourselves, once.
    const seat = this.seat
    this.seat = undefined
    if (wasLeading && seat?.connected) {
      await seat
        .publishAsync(leaderTopic(this.options.prefix), '', { qos: 1, retain: true })
        .catch(() => undefined)
    }
    await Promise.all([seat?.endAsync(), this.watch?.endAsync()].map((p) => p?.catch(() => {})))
  }

  private onSeat(payload: Buffer): void {
    const claim = parseClaim(payload)
    const me = this.options.runId
    if (claim === null) {
      // Seat empty: our own Will cannot be it while our seat connection lives, so a stray Will
      // (a loser killed before it disconnected) emptied it under us: take it back at once.
      this.current = null
      this.clearTimer('stale')
      if (this.leading) void this.publishClaim()
      else this.scheduleClaim()
      return
    }
    this.watchStaleness()
    if (this.current === null || claim.leader === this.current) {
      // The first claim after the seat emptied, or the leader's heartbeat.
      this.current = claim.leader
      this.clearTimer('claim')
      if (claim.leader !== me) this.dropSeat()
      // Ours only while our seat connection lives; a claim of ours without it (the broker
      // restarted and kept it) is renewed on a new seat connection, with a new Will.
      else if (this.seat) this.setLeading(true)
      else this.claim()
      return
    }
    // A later claim overwrote the retained winner: the first one stands.
    if (this.current === me) void this.publishClaim()
    else if (claim.leader === me) this.dropSeat()
  }

  /**
   * A claim nobody renews is stale: its holder died while no Will could be sent (the broker
   * restarted and kept the retained claim). Empty the seat so the instances claim again.
   */
  private watchStaleness(): void {
    this.clearTimer('stale')
    const ms = this.options.keepaliveS * 3000
    this.staleTimer = this.options.clock.setTimeout(() => {
      this.staleTimer = null
      if (this.closed || this.current === null || this.current === this.options.runId) return
      this.options.logger.warn('leader claim not renewed: emptying the seat', {
        leader: this.current,
      })
      void this.watch
        ?.publishAsync(leaderTopic(this.options.prefix), '', { qos: 1, retain: true })
        .catch(() => undefined)
    }, ms)
  }

  private scheduleClaim(): void {
    if (this.closed || this.claimTimer !== null || this.seat) return
    const base = this.options.claimDelayMs ?? 200
    this.claimTimer = this.options.clock.setTimeout(
      () => {
        this.claimTimer = null
        if (this.current === null && !this.closed) this.claim()
      },
      base + Math.random() * base,
    )
  }

  private claim(): void {
    if (this.closed || this.seat) return
    const { url, runId, prefix, keepaliveS } = this.options
    const seat = connect(url, {
      clientId: `iotcc-${runId}-leader`,
      clean: true,
      keepalive: keepaliveS,
      reconnectPeriod: 0,
      will: { topic: leaderTopic(prefix), payload: Buffer.alloc(0), qos: 1, retain: true },
    })
    this.seat = seat
    seat.on('connect', () => void this.publishClaim())
    seat.on('error', (error) => this.options.logger.info('leader connection problem', { error }))
    seat.on('close', () => {
      if (this.seat !== seat) return
      // Our Will empties the seat for the others; we claim again like anyone else.
      this.seat = undefined
      seat.end(true)
      this.setLeading(false)
    })
  }

  private async publishClaim(): Promise<void> {
    const claim: Claim = {
      leader: this.options.runId,
      since: new Date(this.options.clock.now()).toISOString(),
    }
    try {
      await this.seat?.publishAsync(leaderTopic(this.options.prefix), JSON.stringify(claim), {
        qos: 1,
        retain: true,
      })
    } catch (error) {
      this.options.logger.warn('leader claim not published', { error })
    }
  }

  /** Lost the race: leave without the Will (a clean disconnect discards it). */
  private dropSeat(): void {
    const seat = this.seat
    this.seat = undefined
    this.setLeading(false)
    void seat?.endAsync().catch(() => undefined)
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return
    this.leading = leading
    this.clearTimer('beat')
    if (leading) {
      this.beatTimer = this.options.clock.setInterval(
        () => void this.publishClaim(),
        this.options.keepaliveS * 1000,
      )
    }
    this.options.logger.info(leading ? 'alert leader now' : 'no longer alert leader')
    for (const listener of this.listeners) listener(leading)
  }

  private clearTimer(which: 'claim' | 'settle' | 'beat' | 'stale'): void {
    const { clock } = this.options
    if (which === 'claim' && this.claimTimer !== null) clock.clearTimeout(this.claimTimer)
    if (which === 'settle' && this.settleTimer !== null) clock.clearTimeout(this.settleTimer)
    if (which === 'stale' && this.staleTimer !== null) clock.clearTimeout(this.staleTimer)
    if (which === 'beat' && this.beatTimer !== null) clock.clearInterval(this.beatTimer)
    if (which === 'claim') this.claimTimer = null
    else if (which === 'settle') this.settleTimer = null
    else if (which === 'stale') this.staleTimer = null
    else this.beatTimer = null
  }
}

function parseClaim(payload: Buffer): Claim | null {
  if (payload.length === 0) return null
  try {
    const value = JSON.parse(payload.toString('utf8')) as Partial<Claim>
    return typeof value.leader === 'string'
      ? { leader: value.leader, since: String(value.since) }
      : null
  } catch {
    return null
  }
}
