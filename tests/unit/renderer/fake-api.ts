import type { ApiClient } from '../../../src/shared/api'

/**
 * An ApiClient for renderer stores: canned answers per method, and events a test emits as
 * the server would (the same payloads the transports deliver).
 */
export class FakeApi {
  readonly calls: string[] = []
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()

  constructor(private readonly answers: Record<string, (params: unknown) => unknown> = {}) {}

  get client(): ApiClient {
    return this as unknown as ApiClient
  }

  call(method: string, params: unknown): Promise<unknown> {
    this.calls.push(method)
    const answer = this.answers[method]
    return answer ? Promise.resolve(answer(params)) : Promise.reject(new Error(`no ${method}`))
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener)
    return () => set.delete(listener)
  }

  emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload)
  }
}
