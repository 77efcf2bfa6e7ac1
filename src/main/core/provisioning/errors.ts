import { ApiError, type ErrorCode } from '../../../shared/errors'

/** Why a REPL, file or provisioning operation failed; the UI picks its guidance from this. */
export type ReplFailure =
  | 'PORT_NOT_FOUND'
  | 'PORT_BUSY'
  | 'PERMISSION_DENIED'
  /** The port went away (cable pulled, board reset into another USB mode, socat killed). */
  | 'PORT_CLOSED'
  /** Ctrl-C/Ctrl-A never produced "raw REPL; CTRL-B to exit". */
  | 'RAW_REPL_REFUSED'
  | 'TIMEOUT'
  /** The board answered something the raw REPL protocol does not allow. */
  | 'PROTOCOL'
  /** Code ran on the board and raised (traceback attached). */
  | 'DEVICE_EXCEPTION'
  /** The board's filesystem is full (OSError 28, ENOSPC). */
  | 'DEVICE_FULL'
  /** A file read back from the board does not match what was sent, after retries. */
  | 'VERIFY_FAILED'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'BAD_INPUT'
  | 'CANCELLED'

const CODES: Record<ReplFailure, ErrorCode> = {
  PORT_NOT_FOUND: 'NOT_FOUND',
  PORT_BUSY: 'CONFLICT',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  PORT_CLOSED: 'UNAVAILABLE',
  RAW_REPL_REFUSED: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  PROTOCOL: 'UNAVAILABLE',
  DEVICE_EXCEPTION: 'INTERNAL',
  DEVICE_FULL: 'UNAVAILABLE',
  VERIFY_FAILED: 'UNAVAILABLE',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'PERMISSION_DENIED',
  BAD_INPUT: 'BAD_INPUT',
  CANCELLED: 'CANCELLED',
}

/** A Python exception as the board printed it (pyexec.c: after the first 0x04). */
export interface DeviceException {
  /** e.g. "OSError" */
  type: string
  /** e.g. 28 for "OSError: 28" or 2 for "OSError: [Errno 2] ENOENT"; null when not an OSError. */
  errno: number | null
  /** The last line, e.g. "OSError: [Errno 2] ENOENT". */
  message: string
  traceback: string
}

/**
 * An ApiError (so it crosses IPC/WebSocket with a standard code) that also says which
 * failure it is, what the person can do, and, for device exceptions, what the board said.
 */
export class ReplError extends ApiError {
  readonly failure: ReplFailure
  readonly hint: string | undefined
  readonly device: DeviceException | undefined

  constructor(
    failure: ReplFailure,
    message: string,
    extra: { hint?: string; device?: DeviceException; cause?: unknown } = {},
  ) {
    super(CODES[failure], message)
    this.name = 'ReplError'
    this.failure = failure
    this.hint = extra.hint
    this.device = extra.device
    if (extra.cause !== undefined) this.cause = extra.cause
  }
}

export const RAW_REPL_HINT = 'Press the RST/EN button on the board, then retry.'

export const rawReplRefused = (attempts: number): ReplError =>
  new ReplError(
    'RAW_REPL_REFUSED',
    `could not enter raw REPL after ${attempts} attempts — is main.py blocking? press RST and retry`,
    { hint: RAW_REPL_HINT },
  )

export const portClosed = (path: string): ReplError =>
  new ReplError('PORT_CLOSED', `the serial port ${path} was closed or disconnected`, {
    hint: 'Check the USB cable and that no other program (or a board reset) took the port.',
  })

/** Parses the traceback text of a raw REPL exec into its type and errno. */
export function parseDeviceException(stderr: string): DeviceException {
  const traceback = stderr.replace(/\r\n/g, '\n').trimEnd()
  const message = traceback.split('\n').pop() ?? ''
  const type = /^([A-Za-z_][\w.]*)/.exec(message)?.[1] ?? 'Exception'
  const errnoText = /^OSError: (?:\[Errno (\d+)\]|(\d+)\b)/.exec(message)
  const errno = errnoText ? Number(errnoText[1] ?? errnoText[2]) : null
  return { type, errno, message, traceback }
}

/** The errno MicroPython raises when littlefs/FAT is full (py/mperrno.h MP_ENOSPC). */
export const ENOSPC = 28
export const ENOENT = 2

export function deviceError(what: string, device: DeviceException): ReplError {
  if (device.errno === ENOSPC) {
    return new ReplError('DEVICE_FULL', `${what}: the board's filesystem is full (ENOSPC)`, {
      device,
      hint: 'Remove files from the board (REPL file browser) or erase the flash, then retry.',
    })
  }
  if (device.errno === ENOENT) {
    return new ReplError('NOT_FOUND', `${what}: no such file or directory on the board`, {
      device,
    })
  }
  return new ReplError('DEVICE_EXCEPTION', `${what}: the board raised ${device.message}`, {
    device,
  })
}
