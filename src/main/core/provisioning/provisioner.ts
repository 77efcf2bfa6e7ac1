import { EventEmitter } from 'node:events'
import { systemClock, type Clock } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import {
  ProvisionInputSchema,
  buildConfigJson,
  buildSecretsPy,
  defaultDeviceId,
  secretValues,
  type ProvisionInput,
} from './device-config'
import { DEVICE_INFO } from './device-snippets'
import { ReplError } from './errors'
import { FileUploader, type DeviceFile, type FileUploaderOptions } from './file-uploader'
import { collectFirmwareFiles } from './firmware-files'
import { RawRepl, type RawReplOptions } from './raw-repl'
import { Redactor, redactingLogger } from './redactor'
import { SerialCapture } from './serial-capture'
import type { SerialLink } from './serial-link'

export type ProvisionStage =
  'connect' | 'upload' | 'configure' | 'reset' | 'observe' | 'done' | 'failed'

/** The steps in order, with the share of the progress bar each one gets. */
export const PROVISION_STAGES: ReadonlyArray<{ stage: ProvisionStage; from: number; to: number }> =
  [
    { stage: 'connect', from: 0, to: 5 },
    { stage: 'upload', from: 5, to: 80 },
    { stage: 'configure', from: 80, to: 90 },
    { stage: 'reset', from: 90, to: 93 },
    { stage: 'observe', from: 93, to: 100 },
  ]

export interface ProvisionProgress {
  stage: ProvisionStage
  /** For people; secrets are already redacted. */
  message: string
  percent: number
  file?: string
  bytesDone?: number
  bytesTotal?: number
}

export interface ProvisionResult {
  deviceId: string
  /** Base MAC as hex (machine.unique_id()), '' when the board did not say. */
  mac: string
  micropython: string
  files: string[]
  configJson: string
  /** What the board printed after the soft reset (redacted). */
  bootOutput: string
}

export interface ProvisionerEvents {
  progress: [ProvisionProgress]
  /** Lines the board printed, redacted, as they arrive. */
  serial: [string]
}

export interface ProvisionerOptions {
  firmwareDir: string
  clock?: Clock
  logger?: Logger
  /** How long to watch the board's output after the reset. */
  observeMs?: number
  /** Stop watching early once the output matches (e.g. the firmware's "connected"). */
  observeUntil?: RegExp
  repl?: RawReplOptions
  uploader?: FileUploaderOptions
}

/**
 * The one-click install after flashing: take over the REPL, copy the firmware folder,
 * write config.json / secrets.py (and ca.pem), soft-reset into the new firmware and
 * watch what it prints. Waiting for the board to come online over MQTT is the caller's
 * next step. Secrets never appear in progress, logs, errors or the serial capture.
 */
export class Provisioner extends EventEmitter<ProvisionerEvents> {
  private capture: SerialCapture | null = null
  private readonly link: SerialLink
  private readonly options: ProvisionerOptions
  private readonly clock: Clock

  constructor(link: SerialLink, options: ProvisionerOptions) {
    super()
    this.link = link
    this.options = options
    this.clock = options.clock ?? systemClock
  }

  /** Everything the board sent during the run, redacted (for "copy diagnostics"). */
  get serialLog(): string {
    return this.capture?.text() ?? ''
  }

  async run(input: ProvisionInput, signal?: AbortSignal): Promise<ProvisionResult> {
    const parsed = ProvisionInputSchema.safeParse(input)
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => i.path.join('.')).join(', ')
      throw new ReplError('BAD_INPUT', `invalid installer settings: ${where}`)
    }
    const settings = parsed.data
    const redactor = new Redactor(secretValues(settings))
    const logger = redactingLogger(this.options.logger ?? silentLogger, redactor)
    this.capture?.dispose()
    const capture = new SerialCapture(this.link, redactor, (line) => this.emit('serial', line))
    this.capture = capture
    const repl = new RawRepl(this.link, { clock: this.clock, logger, ...this.options.repl })
    const uploader = new FileUploader(repl, { logger, ...this.options.uploader })
    const report = (stage: ProvisionStage, message: string, fraction = 0, extra = {}): void => {
      const span = PROVISION_STAGES.find((s) => s.stage === stage) ?? { from: 100, to: 100 }
      const percent = Math.round(span.from + (span.to - span.from) * fraction)
      this.emit('progress', { stage, message: redactor.text(message), percent, ...extra })
    }
    const check = (): void => {
      if (signal?.aborted) throw new ReplError('CANCELLED', 'installation cancelled')
    }

    try {
      report('connect', `Taking over the MicroPython REPL on ${this.link.path}`)
      await repl.enter({ softReset: true })
      const [mac = '', , version = '?'] = (await repl.run(DEVICE_INFO, 'reading board info'))
        .trim()
        .split(/\s+/)
      const deviceId = settings.deviceId ?? (mac ? defaultDeviceId(mac) : '')
      if (!deviceId)
        throw new ReplError('BAD_INPUT', 'the board has no MAC to name it by: enter a device id')
      report('connect', `MicroPython ${version}, device id ${deviceId}`, 1)
      check()

      const firmware = await collectFirmwareFiles(this.options.firmwareDir)
      uploader.on('progress', (p) =>
        report('upload', `Copying ${p.file}`, p.bytesTotal ? p.bytesDone / p.bytesTotal : 1, {
          file: p.file,
          bytesDone: p.bytesDone,
          bytesTotal: p.bytesTotal,
        }),
      )
      uploader.on('retry', (r) => logger.warn('retrying', { file: r.file, attempt: r.attempt }))
      await uploader.uploadAll(firmware, signal)
      uploader.removeAllListeners('progress')
      check()

      const configJson = buildConfigJson(settings, deviceId)
      const configFiles: DeviceFile[] = [
        { path: '/config.json', data: Buffer.from(configJson) },
        ...(settings.mqtt.ca ? [{ path: '/ca.pem', data: Buffer.from(settings.mqtt.ca) }] : []),
        { path: '/secrets.py', data: Buffer.from(buildSecretsPy(settings, deviceId)) },
      ]
      for (const [i, file] of configFiles.entries()) {
        report('configure', `Writing ${file.path.slice(1)}`, i / configFiles.length, {
          file: file.path,
        })
        await uploader.upload(file, signal)
      }
      report('configure', 'Settings written and verified', 1)
      check()

      report('reset', 'Restarting the board into the new firmware')
      capture.mark('soft reset')
      const resetAt = capture.length
      await repl.softResetAndRun()
      report('observe', 'Watching the board start')
      await this.observe(capture, resetAt, signal)
      report('observe', 'The board restarted', 1)

      const result: ProvisionResult = {
        deviceId,
        mac,
        micropython: version,
        files: [...firmware, ...configFiles].map((f) => f.path),
        configJson,
        bootOutput: fromSoftReboot(capture.text(resetAt)),
      }
      this.emit('progress', { stage: 'done', message: `Installed on ${deviceId}`, percent: 100 })
      return result
    } catch (error) {
      const failure = redactError(error, redactor)
      logger.error('installation failed', { error: failure })
      this.emit('progress', { stage: 'failed', message: failure.message, percent: 100 })
      throw failure
    } finally {
      repl.dispose()
      capture.stop()
    }
  }

  private async observe(capture: SerialCapture, from: number, signal?: AbortSignal): Promise<void> {
    const until = this.options.observeUntil
    const deadline = this.clock.now() + (this.options.observeMs ?? 3000)
    while (this.clock.now() < deadline && !signal?.aborted) {
      if (until?.test(capture.text(from))) return
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 50))
    }
  }
}

/** What the board printed from its "MPY: soft reboot" line on. */
function fromSoftReboot(text: string): string {
  const at = text.indexOf('soft reboot')
  return at < 0 ? text : text.slice(text.lastIndexOf('\n', at) + 1)
}

function redactError(error: unknown, redactor: Redactor): ReplError {
  if (error instanceof ReplError) {
    const copy = new ReplError(error.failure, redactor.text(error.message), {
      ...(error.hint !== undefined ? { hint: redactor.text(error.hint) } : {}),
      ...(error.device ? { device: redactor.deep(error.device) } : {}),
    })
    return copy
  }
  const message = error instanceof Error ? error.message : String(error)
  return new ReplError('PROTOCOL', redactor.text(message))
}
