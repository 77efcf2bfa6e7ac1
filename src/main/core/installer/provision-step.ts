import type { ProvisionInput } from '../../../shared/contract/provision-input'
import { ApiError } from '../../../shared/errors'
import type { Clock } from '../base/clock'
import type { Logger } from '../base/logger'
import {
  PROVISION_STAGES,
  ReplError,
  type ProvisionProgress,
  type ProvisionResult,
  type ProvisioningService,
} from '../provisioning'
import { diagnose, WifiFailureWatch } from './diagnose'
import type { InstallMeter } from './install-progress'
import { waitOnline, type PresenceSource } from './online-waiter'

export interface ProvisionStepDeps {
  provisioning: ProvisioningService
  presence: PresenceSource
  meter: InstallMeter
  clock: Clock
  logger: Logger
  signal: AbortSignal
  /** How long the board may take to show MicroPython's REPL after a reset (first boot formats the filesystem). */
  replWaitMs: number
  onlineTimeoutMs: number
}

/** Failures that mean "the REPL is not there yet" while MicroPython boots. */
const NOT_YET = new Set([
  'TIMEOUT',
  'RAW_REPL_REFUSED',
  'PORT_NOT_FOUND',
  'PORT_CLOSED',
  'PROTOCOL',
])

/**
 * upload → configure → reset → wait-online: copies firmware/ and the settings with the
 * provisioning service, soft-resets the board, then waits until the registry shows the
 * device online (a live `<prefix>/<id>/status` = online after the reset). When it never
 * comes, the board's own output says why (see diagnose.ts); when the board says something
 * waiting cannot cure (a wrong Wi-Fi password, no such network), the install stops at once.
 */
export async function provisionAndWait(
  port: string,
  input: ProvisionInput & { deviceId: string },
  broker: { host: string; port: number },
  deps: ProvisionStepDeps,
): Promise<ProvisionResult> {
  const { meter, clock, signal } = deps
  const deviceId = input.deviceId
  // Aborted when the board is online (or the wait is over): ends the provisioner's watching.
  const observe = new AbortController()
  const stopObserving = (): void => observe.abort()
  signal.addEventListener('abort', stopObserving)
  let online: Promise<boolean> | null = null
  let lastStage: ProvisionProgress['stage'] = 'connect'
  let boardSays = ''
  const wifiWatch = new WifiFailureWatch()
  /** Set when the board reported a failure that waiting cannot cure. */
  let fatal: string | null = null
  let ticker: ReturnType<Clock['setInterval']> | null = null

  const onProgress = (p: { port: string } & ProvisionProgress): void => {
    if (p.port !== port) return
    lastStage = p.stage
    const span = PROVISION_STAGES.find((s) => s.stage === p.stage)
    const within = span ? ((p.percent - span.from) / Math.max(1, span.to - span.from)) * 100 : 100
    if (p.stage === 'connect' || p.stage === 'upload') {
      meter.stage('upload', { percent: p.stage === 'connect' ? 0 : within, message: p.message })
    } else if (p.stage === 'configure') {
      meter.stage('configure', { percent: within, message: p.message })
    } else if (p.stage === 'reset' && !online) {
      meter.stage('reset', { percent: 50, message: p.message })
      online = startWaiting()
    }
  }
  const onSerial = ({ port: from, text }: { port: string; text: string }): void => {
    if (from !== port) return
    const lines = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
    const line = lines.at(-1)
    if (line) boardSays = line.replace(/^\[[DIWE] \d+\] /, '')
    // Only what the new firmware prints counts: the old one may still be failing until the reset.
    if (!online || fatal) return
    for (const l of lines) fatal ??= wifiWatch.feed(l)
    if (fatal) {
      deps.logger.info('the board reported a fatal Wi-Fi failure', { failure: fatal })
      observe.abort()
    }
  }
  const startWaiting = (): Promise<boolean> => {
    const since = clock.now()
    boardSays = ''
    const tick = (): void => {
      const waited = Math.round((clock.now() - since) / 1000)
      meter.stage('wait-online', {
        percent: Math.min(99, ((clock.now() - since) / deps.onlineTimeoutMs) * 100),
        message: `Waiting for ${deviceId} to join Wi-Fi and the broker (${waited} s)${boardSays ? ` — board: ${boardSays}` : ''}`,
        etaSeconds: null,
      })
    }
    tick()
    ticker = clock.setInterval(tick, 1000)
    return waitOnline(
      deps.presence,
      deviceId,
      since,
      deps.onlineTimeoutMs,
      clock,
      observe.signal,
    ).then((ok) => {
      observe.abort()
      return ok
    })
  }

  deps.provisioning.on('provision.progress', onProgress)
  deps.provisioning.on('serial.data', onSerial)
  try {
    const started = clock.now()
    let result: ProvisionResult
    for (let attempt = 1; ; attempt++) {
      try {
        result = await deps.provisioning.provision(port, input, observe.signal)
        break
      } catch (error) {
        const waiting = clock.now() - started < deps.replWaitMs
        const notYet =
          error instanceof ReplError && NOT_YET.has(error.failure) && lastStage === 'connect'
        if (signal.aborted || !waiting || !notYet) throw error
        deps.logger.info('MicroPython REPL not ready yet, retrying', { attempt })
        meter.stage('upload', { percent: 0, message: 'Waiting for MicroPython to start' })
        await sleep(clock, 500, signal)
      }
    }
    if (signal.aborted) throw new ApiError('CANCELLED', 'Installation cancelled.')
    const isOnline = await (online ?? Promise.resolve(false))
    if (signal.aborted) throw new ApiError('CANCELLED', 'Installation cancelled.')
    if (!isOnline) {
      const finding = diagnose(afterReset(deps.provisioning.lastSerialLog(port)), {
        brokerHost: broker.host,
        brokerPort: broker.port,
      })
      if (fatal) {
        const code = fatal === 'WIFI_WRONG_PASSWORD' ? 'BAD_INPUT' : 'UNAVAILABLE'
        throw Object.assign(new ApiError(code, finding.message), {
          hint: finding.hint,
          failure: fatal,
        })
      }
      throw Object.assign(
        new ApiError(
          'TIMEOUT',
          `${deviceId} did not come online within ${Math.round(deps.onlineTimeoutMs / 1000)} s. ${finding.message}`,
        ),
        { hint: finding.hint, failure: 'NEVER_ONLINE' },
      )
    }
    meter.stage('wait-online', { percent: 100, message: `${deviceId} is online` })
    return result
  } finally {
    if (ticker) clock.clearInterval(ticker)
    observe.abort()
    signal.removeEventListener('abort', stopObserving)
    deps.provisioning.off('provision.progress', onProgress)
    deps.provisioning.off('serial.data', onSerial)
  }
}

/** The log from the soft reset on (the provisioner marks it): what the new firmware printed. */
function afterReset(log: string): string {
  const at = log.lastIndexOf('--- soft reset ---')
  return at < 0 ? log : log.slice(at)
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(done, ms)
    function done(): void {
      clock.clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done)
  })
}
