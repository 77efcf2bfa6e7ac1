import type { EventName, EventPayload } from '../../../shared/api'

type AnyListener = (event: EventName, payload: unknown) => void

/**
 * Typed fan-out of contract events from services to transports. Listener errors are
 * contained: one broken window or socket must not stop delivery to the others.
 */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>()
  private readonly anyListeners = new Set<AnyListener>()

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) {
      this.safely(() => (listener as (p: EventPayload<E>) => void)(payload))
    }
    for (const listener of this.anyListeners) this.safely(() => listener(event, payload))
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as (payload: never) => void)
    return () => set.delete(listener as (payload: never) => void)
  }

  /** Every event, for transports that forward all of them. */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener)
    return () => this.anyListeners.delete(listener)
  }

  private safely(fn: () => void): void {
    try {
      fn()
    } catch (error) {
      this.onListenerError(error)
    }
  }
}
