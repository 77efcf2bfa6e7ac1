/** Time as a dependency, so alerting, timeouts and retention are testable with a fake clock. */
export interface Clock {
  now(): number
  setTimeout(fn: () => void, ms: number): Timer
  clearTimeout(timer: Timer): void
  setInterval(fn: () => void, ms: number): Timer
  clearInterval(timer: Timer): void
}

export type Timer = { unref?(): unknown } | number | object

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout),
}
