/**
 * Encoders and decoders of the OTA wire format (docs/ota.md "Manifest and its signature",
 * "Chunk"). Node only (hashing via node:crypto / node:zlib); the board does the same in
 * MicroPython with `hashlib.sha256`, `binascii.crc32` and a plain-Python HMAC.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { crc32 as zlibCrc32 } from 'node:zlib'
import {
  CHUNK_HEADER_BYTES,
  ManifestSchema,
  SignedManifestSchema,
  type Manifest,
  type SignedManifest,
} from '../protocol'

/** CRC-32 (IEEE 802.3, as `binascii.crc32`), unsigned. */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex')
}

/** A per-device OTA_KEY: 32 random bytes as 64 lower-case hex characters. */
export function generateOtaKey(): string {
  return randomBytes(32).toString('hex')
}

export function isValidOtaKey(key: string): boolean {
  return /^[0-9a-fA-F]{64}$/.test(key)
}

/**
 * HMAC-SHA256 (RFC 2104) of `message`'s UTF-8 bytes under the key's 32 bytes (the hex text
 * decoded, not the text itself), as lower-case hex.
 */
export function hmacSha256Hex(keyHex: string, message: string | Uint8Array): string {
  if (!isValidOtaKey(keyHex)) throw new Error('OTA key must be 64 hex characters')
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(message).digest('hex')
}

/** The `ota/manifest` payload: the manifest's JSON text and its signature. */
export function signManifest(manifest: Manifest, keyHex: string): SignedManifest {
  const m = JSON.stringify(manifest)
  return { m, sig: hmacSha256Hex(keyHex, m) }
}

export type ManifestCheck =
  | { ok: true; manifest: Manifest }
  | { ok: false; reason: 'unsigned' | 'bad_signature' | 'bad_manifest'; detail?: string }

/**
 * What a board does with an `ota/manifest` payload before it writes anything: no key is
 * `unsigned`, a signature that does not match is `bad_signature`, and a manifest that is
 * not well formed is `bad_manifest`. Used by the tests' protocol-faithful boards.
 */
export function verifySignedManifest(
  payload: string | Uint8Array,
  keyHex: string | null | undefined,
): ManifestCheck {
  if (!keyHex) return { ok: false, reason: 'unsigned' }
  let outer: unknown
  try {
    outer = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString())
  } catch {
    return { ok: false, reason: 'bad_manifest', detail: 'not JSON' }
  }
  const signed = SignedManifestSchema.safeParse(outer)
  if (!signed.success) {
    const hasSig = typeof (outer as { sig?: unknown } | null)?.sig === 'string'
    return hasSig
      ? { ok: false, reason: 'bad_manifest', detail: 'malformed' }
      : { ok: false, reason: 'unsigned' }
  }
  const want = Buffer.from(hmacSha256Hex(keyHex, signed.data.m), 'hex')
  const got = Buffer.from(signed.data.sig, 'hex')
  if (!timingSafeEqual(want, got)) return { ok: false, reason: 'bad_signature' }
  let inner: unknown
  try {
    inner = JSON.parse(signed.data.m)
  } catch {
    return { ok: false, reason: 'bad_manifest', detail: 'manifest is not JSON' }
  }
  const manifest = ManifestSchema.safeParse(inner)
  if (!manifest.success)
    return { ok: false, reason: 'bad_manifest', detail: manifest.error.issues[0]?.message }
  return { ok: true, manifest: manifest.data }
}

/** The chunk tag of an update: the first 4 bytes of SHA-256 of its id, big-endian. */
export function updateTag(updateId: string): number {
  return createHash('sha256').update(updateId).digest().readUInt32BE(0)
}

export interface Chunk {
  tag: number
  seq: number
  crc: number
  data: Uint8Array
}

/** An `ota/chunk` payload: tag, seq, CRC-32 of the data (each u32 big-endian), the data. */
export function encodeChunk(tag: number, seq: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(CHUNK_HEADER_BYTES + data.length)
  out.writeUInt32BE(tag >>> 0, 0)
  out.writeUInt32BE(seq >>> 0, 4)
  out.writeUInt32BE(crc32(data), 8)
  out.set(data, CHUNK_HEADER_BYTES)
  return out
}

/** Splits an `ota/chunk` payload; null when shorter than its header. `crcOk` checks the data. */
export function decodeChunk(payload: Uint8Array): (Chunk & { crcOk: boolean }) | null {
  if (payload.length < CHUNK_HEADER_BYTES) return null
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.length)
  const data = buf.subarray(CHUNK_HEADER_BYTES)
  const crc = buf.readUInt32BE(8)
  return {
    tag: buf.readUInt32BE(0),
    seq: buf.readUInt32BE(4),
    crc,
    data,
    crcOk: crc32(data) === crc,
  }
}
