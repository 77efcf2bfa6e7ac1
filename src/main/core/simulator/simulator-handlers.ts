import type { simulatorMethods } from '../../../shared/contract/simulator'
import type { HandlerMap } from '../rpc/handlers'
import type { Simulator } from './simulator'

export function simulatorHandlers(simulator: Simulator): HandlerMap<keyof typeof simulatorMethods> {
  return {
    'simulator.start': ({ count, rateHz }) => simulator.start(count, rateHz),
    'simulator.stop': () => simulator.stop(),
    'simulator.status': () => simulator.status(),
  }
}
