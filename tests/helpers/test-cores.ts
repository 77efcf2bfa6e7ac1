import { afterEach } from 'vitest'
import { silentLogger } from '../../src/main/core/base/logger'
import { createCore, type Core, type CoreOptions } from '../../src/main/core/create-core'

/**
 * Real cores (web mode) that a test starts on a data folder; whatever is still open is closed
 * after the test. Register after the data folder's own hooks: after-hooks run in reverse
 * order, so the cores close before their folder is removed.
 */
export function useCores(): {
  start(dataDir: string, options?: Partial<CoreOptions>): Promise<Core>
  /** Closes a core before the test ends (e.g. to start it again on the same data). */
  stop(core: Core): Promise<void>
} {
  const open: Core[] = []
  afterEach(async () => {
    for (const core of open.splice(0)) await core.close()
  })
  return {
    async start(dataDir, options = {}) {
      const core = await createCore({
        dataDir,
        shell: 'web',
        version: '0.1.0-test',
        logger: silentLogger,
        ...options,
      })
      open.push(core)
      return core
    },
    async stop(core) {
      const at = open.indexOf(core)
      if (at >= 0) open.splice(at, 1)
      await core.close()
    },
  }
}

/** Calls a contract method on a core; a failed call throws with its error code and message. */
export async function callCore<T = unknown>(
  core: Core,
  method: string,
  params: unknown = {},
): Promise<T> {
  const outcome = await core.call(method, params)
  if (!outcome.ok) throw new Error(`${method}: ${outcome.error.code}: ${outcome.error.message}`)
  return outcome.result as T
}
