/**
 * Listeners per key (a device id): a store notifies only the subscribers of what changed,
 * so one device's event re-renders only that device's rows. A key's set is dropped with its
 * last listener, so keys of devices long gone do not accumulate.
 */
export class KeyedListeners {
  private readonly byKey = new Map<string, Set<() => void>>()

  /** Adds a listener for `key`; returns the function that removes it. */
  subscribe(key: string, listener: () => void): () => void {
    let set = this.byKey.get(key)
    if (!set) this.byKey.set(key, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.byKey.delete(key)
    }
  }

  /** Calls every listener of `key`. */
  notify(key: string): void {
    for (const listener of this.byKey.get(key) ?? []) listener()
  }
}
