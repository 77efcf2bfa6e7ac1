import type { PayloadPreview } from '../../../shared/contract/connections'

/** Control characters other than tab, CR and LF mark a payload as binary. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

/**
 * A payload shown safely: at most `maxBytes` of it, as text when it is valid printable
 * UTF-8, otherwise as hex. Never the whole payload (a device may send megabytes).
 * `totalBytes` is the payload's real size when only its head was kept.
 */
export function previewPayload(
  payload: Uint8Array,
  maxBytes = 256,
  totalBytes = payload.length,
): PayloadPreview {
  const head = payload.subarray(0, maxBytes)
  const truncated = totalBytes > head.length
  try {
    // stream: true keeps a multi-byte character cut by the truncation from counting as invalid.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: truncated })
    if (!CONTROL.test(text)) return { encoding: 'utf8', text, bytes: totalBytes, truncated }
  } catch {
    // not UTF-8: fall through to hex
  }
  const hexBytes = head.subarray(0, Math.min(head.length, 64))
  const hex = Array.from(hexBytes, (b) => b.toString(16).padStart(2, '0')).join(' ')
  return {
    encoding: 'hex',
    text: hex,
    bytes: totalBytes,
    truncated: totalBytes > hexBytes.length,
  }
}
