/**
 * What a board's answers mean, in words for the CLI and the Update dialog (docs/ota.md
 * reasons): a sentence per reason, a `failed` status with its details, and the outcome of an
 * `update_failed` event (refused before the swap, or rolled back to the previous version).
 */
import type { OtaEvent, OtaStatus } from '../../../shared/ota/protocol'

/** A sentence for each reason a board gives (docs/ota.md). */
export function reasonText(reason: string): string {
  switch (reason) {
    case 'unsigned':
      return 'The board has no update key (OTA_KEY): install it once over USB with this app'
    case 'bad_signature':
      return 'The board refused the update: its signature does not match the board’s key'
    case 'bad_manifest':
      return 'The board refused the manifest as malformed'
    case 'busy':
      return 'The board is still trying out an earlier update: try again once that one is confirmed or undone'
    case 'no_space':
      return 'Not enough free space on the board'
    case 'hash_mismatch':
      return 'A file arrived damaged (SHA-256 mismatch)'
    case 'corrupt_chunk':
      return 'A chunk kept arriving damaged'
    case 'crashed':
      return 'The new version kept crashing'
    case 'import_error':
      return 'The new version failed to import'
    case 'not_online':
      return 'The new version did not get online'
    default:
      return `The update failed (${reason})`
  }
}

/** A board's `failed` status in words, with the detail it carries. */
export function describeFailure(status: OtaStatus): string {
  const reason = status.reason ?? 'failed'
  if (reason === 'no_space' && status.need !== undefined && status.free !== undefined)
    return `${reasonText(reason)}: needs ${kib(status.need)}, has ${kib(status.free)}`
  if (status.path) return `${reasonText(reason)}: ${status.path}`
  if (status.chunk !== undefined) return `${reasonText(reason)}: chunk ${status.chunk}`
  if (status.error) return `${reasonText(reason)}: ${status.error}`
  return reasonText(reason)
}

/**
 * An `update_failed` event: the reason and a message. A rollback (`rolled_back: true`) names
 * the version the board went back to (`previous`); a refusal before the swap says why.
 */
export function failureOutcome(event: Extract<OtaEvent, { event: 'update_failed' }>): {
  reason: string
  message: string
} {
  const detail = event.error ? ` (${event.error})` : event.path ? `: ${event.path}` : ''
  const back = event.rolled_back === true
  const to = event.previous ? `rolled back to ${event.previous}` : 'rolled back'
  return {
    reason: event.reason,
    message: `${reasonText(event.reason)}${detail}${back ? `: ${to}` : ''}`,
  }
}

function kib(bytes: number): string {
  return `${Math.ceil(bytes / 1024)} KiB`
}
