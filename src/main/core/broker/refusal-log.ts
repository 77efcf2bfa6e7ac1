import type { Refusal, RefusalSummary } from '../../../shared/contract/broker'
import type { Clock, Timer } from '../base/clock'
import { APP_USERNAME, type Identity } from './credential-store'

/** Distinct (login, client, action, topic) entries kept; the least recent go first. */
export const MAX_REFUSAL_ENTRIES = 200
/** Longer topics and client ids are cut, so 200 entries stay a few hundred KB at most. */
export const MAX_REFUSAL_TEXT = 256
/** Listeners hear about new refusals at most this often. */
export const REFUSAL_EVENT_INTERVAL_MS = 1000

type Listener = (summary: RefusalSummary) => void

/**
 * The broker's refused publishes and subscriptions, counted per login, client id, action
 * and topic, so the Broker screen can say who tried what (DESIGN.md "Refusals are counted
 * and shown"). Memory is bounded whatever clients send: a Map in least-recently-refused
 * order, trimmed to MAX_REFUSAL_ENTRIES; totals keep counting what was trimmed.
 */
export class RefusalLog {
  private readonly entries = new Map<string, Refusal>()
  private total = 0
  private publishes = 0
  private readonly listeners = new Set<Listener>()
  private timer?: Timer
  private lastEmitAt = -Infinity

  constructor(private readonly clock: Clock) {}

  record(
    username: string | null,
    clientId: string,
    action: Refusal['action'],
    topic: string,
  ): void {
    this.total++
    if (action === 'publish') this.publishes++
    const shortTopic = cut(topic)
    const shortClient = cut(clientId)
    const key = `${username ?? ''}\u0000${shortClient}\u0000${action}\u0000${shortTopic}`
    const now = this.clock.now()
    const known = this.entries.get(key)
    // Delete and set again: the Map's order is then least recently refused first.
    if (known) this.entries.delete(key)
    this.entries.set(key, {
      username,
      clientId: shortClient,
      action,
      topic: shortTopic,
      count: (known?.count ?? 0) + 1,
      lastAt: now,
    })
    if (this.entries.size > MAX_REFUSAL_ENTRIES) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    this.schedule()
  }

  /** Most recent first. */
  summary(): RefusalSummary {
    return {
      entries: [...this.entries.values()].reverse(),
      total: this.total,
      publishes: this.publishes,
    }
  }

  /** Forgets the entries of a topic a login may now use (after "Allow"). */
  forget(username: string, matches: (entry: Refusal) => boolean): void {
    let changed = false
    for (const [key, entry] of this.entries) {
      if (entry.username === username && matches(entry)) {
        this.entries.delete(key)
        changed = true
      }
    }
    if (changed) this.schedule()
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  close(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  /** At most one event per interval: the first at once, the rest folded into the next. */
  private schedule(): void {
    if (this.timer !== undefined || this.listeners.size === 0) return
    const wait = Math.max(0, this.lastEmitAt + REFUSAL_EVENT_INTERVAL_MS - this.clock.now())
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      this.lastEmitAt = this.clock.now()
      const summary = this.summary()
      for (const listener of this.listeners) listener(summary)
    }, wait)
    ;(this.timer as { unref?: () => void }).unref?.()
  }
}

/** The user name a refusal is filed under; null for anonymous (or not yet known) clients. */
export function refusedLogin(identity: Identity | undefined): string | null {
  if (identity?.kind === 'device') return identity.username ?? identity.deviceId
  return identity?.kind === 'app' ? APP_USERNAME : null
}

function cut(text: string): string {
  return text.length > MAX_REFUSAL_TEXT ? `${text.slice(0, MAX_REFUSAL_TEXT - 1)}…` : text
}
