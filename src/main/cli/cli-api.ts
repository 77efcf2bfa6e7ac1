import { fileURLToPath } from 'node:url'
import { ApiError } from '../../shared/errors'
import { createLogger, type Logger } from '../core/base/logger'
import { createCore, type CoreOptions } from '../core/create-core'
import type { CliApi } from './connect-server'

// The web-mode client lives apart so that tools which never run the core (simulate) can use it.
export { connectServer, type CliApi } from './connect-server'

/** Starts the core in this process on `dataDir` (its broker included) for the command's duration. */
export async function startLocalCore(
  dataDir: string,
  version: string,
  extra: Partial<CoreOptions> = {},
  logger: Logger = createLogger({ level: 'warn' }),
): Promise<CliApi> {
  const core = await createCore({
    dataDir,
    shell: 'web',
    version,
    logger,
    // out/main/cli.js → <repo>/firmware
    firmwareDir: fileURLToPath(new URL('../../firmware', import.meta.url)),
    ...(process.env.IOTCC_ADVERTISED_HOST
      ? { installer: { advertisedHost: process.env.IOTCC_ADVERTISED_HOST } }
      : {}),
    ...extra,
  })
  return {
    where: `this process (data folder ${dataDir})`,
    call: async (method, params) => {
      const outcome = await core.call(method, params)
      if (!outcome.ok) throw ApiError.from(outcome.error)
      return outcome.result as never
    },
    on: (event, listener) => core.events.on(event, listener),
    close: () => core.close(),
  }
}
