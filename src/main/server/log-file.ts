/**
 * The log of `npm run serve` in the data folder (`logs/serve.log`), for machines where
 * nobody watches stderr (a Raspberry Pi running it as a service). Capped: when the next line
 * would take the file past `maxBytes`, serve.log becomes serve.log.1, .1 becomes .2, … and the
 * oldest of `generations` old files is dropped, so the folder never holds more than about
 * (generations + 1) × maxBytes of logs.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import type { LogSink } from '../core/base/logger'

export interface LogFileOptions {
  /** e.g. `<data dir>/logs/serve.log`; its folder is created. */
  path: string
  /** Size at which the file is rotated (default 1 MiB). */
  maxBytes?: number
  /** How many rotated files are kept (default 5: serve.log.1 … serve.log.5). */
  generations?: number
  /** Told once, on the first failed write; the file then stays off (default: a stderr line). */
  onError?: (error: Error) => void
}

export class RotatingLogFile {
  readonly path: string
  private readonly maxBytes: number
  private readonly generations: number
  private readonly onError: (error: Error) => void
  private fd: number | undefined
  private size = 0
  private failed = false

  constructor(options: LogFileOptions) {
    this.path = options.path
    this.maxBytes = Math.max(1, options.maxBytes ?? 1024 * 1024)
    this.generations = Math.max(1, Math.floor(options.generations ?? 5))
    this.onError =
      options.onError ??
      ((error) => process.stderr.write(`Log file ${this.path} is off: ${error.message}\n`))
    // Opened now, not at the first line: nothing new appears in the data folder while serve
    // shuts down (whoever removes the folder right after it exits would race with that).
    this.guard(() => this.open())
  }

  /** Appends one line (a newline is added). Never throws: a full or read-only disk turns it off. */
  write(line: string): void {
    const bytes = Buffer.from(`${line}\n`)
    this.guard(() => {
      if (this.fd === undefined) this.open()
      if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate()
      this.size += writeSync(this.fd!, bytes)
    })
  }

  /** A logger sink writing `ISO-time LEVEL scope: message {fields}` lines (fields already redacted). */
  readonly sink: LogSink = ({ level, scope, message, fields, time }) => {
    const suffix = fields === undefined ? '' : ` ${JSON.stringify(fields)}`
    this.write(
      `${new Date(time).toISOString()} ${level.toUpperCase().padEnd(5)} ${scope}: ${message}${suffix}`,
    )
  }

  close(): void {
    if (this.fd === undefined) return
    try {
      closeSync(this.fd)
    } catch {
      // already closed or gone: nothing left to release
    }
    this.fd = undefined
  }

  private guard(action: () => void): void {
    if (this.failed) return
    try {
      action()
    } catch (error) {
      this.failed = true
      this.close()
      this.onError(error as Error)
    }
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o750 })
    this.fd = openSync(this.path, 'a', 0o640)
    this.size = fstatSync(this.fd).size
  }

  private rotate(): void {
    this.close()
    rmSync(`${this.path}.${this.generations}`, { force: true })
    for (let n = this.generations - 1; n >= 1; n--)
      renameIfExists(`${this.path}.${n}`, `${this.path}.${n + 1}`)
    renameIfExists(this.path, `${this.path}.1`)
    this.open()
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

/** One sink that hands every line to each of `sinks` (e.g. stderr and the log file). */
export function teeSink(...sinks: LogSink[]): LogSink {
  return (line) => {
    for (const sink of sinks) sink(line)
  }
}
