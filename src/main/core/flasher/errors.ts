import { ApiError, type ErrorCode } from '../../../shared/errors'

/** Why a flasher operation failed; the UI picks its guidance from this. */
export type FlasherFailure =
  | 'NO_SYNC'
  | 'PORT_NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'PORT_BUSY'
  | 'PORT_VANISHED'
  | 'WRONG_CHIP'
  | 'INVALID_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'WRITE_FAILED'
  | 'VERIFY_FAILED'
  | 'TIMEOUT'
  | 'CANCELLED'
  | 'DOWNLOAD_FAILED'
  | 'UNSUPPORTED'

const CODES: Record<FlasherFailure, ErrorCode> = {
  NO_SYNC: 'UNAVAILABLE',
  PORT_NOT_FOUND: 'NOT_FOUND',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  PORT_BUSY: 'CONFLICT',
  PORT_VANISHED: 'UNAVAILABLE',
  WRONG_CHIP: 'BAD_INPUT',
  INVALID_IMAGE: 'BAD_INPUT',
  IMAGE_TOO_LARGE: 'BAD_INPUT',
  WRITE_FAILED: 'UNAVAILABLE',
  VERIFY_FAILED: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  CANCELLED: 'CANCELLED',
  DOWNLOAD_FAILED: 'UNAVAILABLE',
  UNSUPPORTED: 'BAD_INPUT',
}

/**
 * An ApiError (so it crosses IPC/WebSocket with a standard code) that also says which
 * flasher failure it is and what the person can do about it.
 */
export class FlasherError extends ApiError {
  readonly failure: FlasherFailure
  /** One actionable sentence, e.g. "Hold BOOT, tap EN, release BOOT, then Retry." */
  readonly hint: string | undefined

  constructor(failure: FlasherFailure, message: string, hint?: string, options?: ErrorOptions) {
    super(CODES[failure], message)
    this.name = 'FlasherError'
    this.failure = failure
    this.hint = hint
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

export const HOLD_BOOT_HINT =
  'Put the board in download mode: hold BOOT (IO0), press and release EN/RESET, release BOOT, then Retry.'

/** Which OS we explain permission problems for (injected so tests can pick one). */
export type HostPlatform = 'linux' | 'darwin' | 'win32' | string

/**
 * Turns node-serialport open errors into something a person can act on. Messages look
 * like "Error: Permission denied, cannot open /dev/ttyUSB0" or "Error Resource
 * temporarily unavailable Cannot lock port" (bindings-cpp unix/serialport.cpp).
 */
export function portOpenError(path: string, error: unknown, platform: HostPlatform): FlasherError {
  const text = error instanceof Error ? error.message : String(error)
  if (/permission denied|EACCES|access is denied/i.test(text)) {
    const hint =
      platform === 'linux'
        ? 'Add your user to the "dialout" group (sudo usermod -aG dialout $USER, then log out and back in), ' +
          'or install resources/udev/99-esp32-iot-control-center.rules into /etc/udev/rules.d/ and replug the board.'
        : 'Check that no other program holds the port and that your account may use serial devices.'
    return new FlasherError('PERMISSION_DENIED', `No permission to open ${path}.`, hint, {
      cause: error,
    })
  }
  if (
    /cannot lock port|resource temporarily unavailable|EBUSY|device or resource busy|access denied/i.test(
      text,
    )
  ) {
    return new FlasherError(
      'PORT_BUSY',
      `${path} is in use by another program.`,
      'Close serial monitors (Arduino IDE, screen, minicom, another flasher) and try again.',
      { cause: error },
    )
  }
  if (/no such file|ENOENT|cannot find|file not found/i.test(text)) {
    return new FlasherError(
      'PORT_NOT_FOUND',
      `${path} does not exist.`,
      'Plug the board in (use a data cable, not a charge-only one) and pick its port again.',
      { cause: error },
    )
  }
  return new FlasherError('PORT_NOT_FOUND', `Could not open ${path}: ${text}`, undefined, {
    cause: error,
  })
}

export function vanishedError(path: string): FlasherError {
  return new FlasherError(
    'PORT_VANISHED',
    `The board on ${path} disappeared during the operation.`,
    'Check the USB cable, plug the board back in and press Retry.',
  )
}

export function cancelledError(): FlasherError {
  return new FlasherError('CANCELLED', 'Cancelled.')
}

/** ROM ("ROM Loader Errors") and stub (stub_flasher.h) status codes, for messages. */
const STATUS_TEXT: Record<number, string> = {
  0x05: 'the chip rejected the message (0x05)',
  0x06: 'the chip failed to act on the message (0x06)',
  0x07: 'checksum error, data was corrupted on the way (0x07)',
  0x08: 'flash write error (0x08)',
  0x09: 'flash read error (0x09)',
  0x0a: 'flash read length error (0x0a)',
  0x0b: 'decompression error (0x0b)',
  0xc0: 'bad data length (0xc0)',
  0xc1: 'checksum error, data was corrupted on the way (0xc1)',
  0xc2: 'bad block size (0xc2)',
  0xc3: 'invalid command (0xc3)',
  0xc4: 'SPI flash operation failed (0xc4)',
  0xc6: 'not in flash mode (0xc6)',
  0xc7: 'decompression error (0xc7)',
  0xc8: 'not enough data (0xc8)',
  0xc9: 'too much data (0xc9)',
  0xff: 'command not implemented (0xff)',
}

/** esptool-js reports failures as text ("... failed with status 1,7"); decode the code. */
export function describeLoaderStatus(message: string): string | undefined {
  const match = /status (\d+),(\d+)/.exec(message)
  if (!match) return undefined
  return STATUS_TEXT[Number(match[2])] ?? `error code 0x${Number(match[2]).toString(16)}`
}
