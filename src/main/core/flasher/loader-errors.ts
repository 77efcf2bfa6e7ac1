import { FlasherError, describeLoaderStatus } from './errors'

/**
 * esptool-js throws ESPError/TimeoutError with English messages; map them onto our
 * failures. `action` completes "Could not …" for the message.
 */
export function fromLoaderError(error: unknown, action: string): FlasherError {
  if (error instanceof FlasherError) return error
  const text = error instanceof Error ? error.message : String(error)
  const status = describeLoaderStatus(text)
  if (status) {
    return new FlasherError(
      'WRITE_FAILED',
      `Could not ${action}: ${status}.`,
      'Try a shorter or better USB cable, a lower baud rate, or another USB port, then Retry.',
      { cause: error },
    )
  }
  if (/MD5 of file does not match/i.test(text)) {
    return new FlasherError(
      'VERIFY_FAILED',
      'The data read back from flash does not match the image.',
      undefined,
      {
        cause: error,
      },
    )
  }
  if (/no serial data|stream stopped|timeout|timed out/i.test(text)) {
    return new FlasherError(
      'TIMEOUT',
      `Could not ${action}: the board stopped answering.`,
      'Press RESET while holding BOOT, check the cable, then Retry.',
      { cause: error },
    )
  }
  if (/unexpected chip|unknown chip|chip magic|chip id/i.test(text)) {
    return new FlasherError('UNSUPPORTED', `Could not ${action}: ${text}`, undefined, {
      cause: error,
    })
  }
  return new FlasherError('WRITE_FAILED', `Could not ${action}: ${text}`, undefined, {
    cause: error,
  })
}
