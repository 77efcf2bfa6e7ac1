/**
 * Over-the-air update protocol: topics, payload schemas and the checks both sides make
 * (docs/ota.md). Pure: no Node modules, so the renderer may import it too. The encoders that
 * need hashing (chunk framing, signatures, manifests from a folder) are in `./node/`.
 */
import { z } from 'zod'

/** Manifest format version (docs/ota.md "Manifest and its signature": `v == 1`). */
export const OTA_MANIFEST_VERSION = 1
/** Bytes per chunk the app uses; the protocol allows 256–4096. */
export const DEFAULT_CHUNK_SIZE = 1024
export const MIN_CHUNK_SIZE = 256
export const MAX_CHUNK_SIZE = 4096
/** Chunks sent ahead of the board's `next` (docs/ota.md "Flow", step 2). */
export const OTA_WINDOW = 8
/** The app resends from `next` after this long without a status (step 2). */
export const OTA_RESEND_AFTER_MS = 10_000
/** The board's manifest limits (firmware/lib/iotfw/ota_manifest.py): files per update, */
export const OTA_MAX_FILES = 64
/** characters per path, */
export const OTA_MAX_PATH_LENGTH = 96
/** and bytes of the signed payload on `ota/manifest` (the board refuses it unread if larger). */
export const OTA_MAX_MANIFEST_BYTES = 8192
/** Free space a board keeps beyond the update's size (`no_space` otherwise). */
export const OTA_SPACE_MARGIN = 16 * 1024
/** Chunk header: tag, sequence number, CRC-32, each 4 bytes big-endian. */
export const CHUNK_HEADER_BYTES = 12

/** The update's `update` id: made by the app per (device, attempt). */
export const UPDATE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/

export function isValidUpdateId(id: string): boolean {
  return UPDATE_ID_PATTERN.test(id)
}

export type OtaTopicKind = 'manifest' | 'chunk' | 'cancel' | 'status'
/** Topics only the app may publish to (the built-in broker refuses a device login). */
export const APP_ONLY_OTA_KINDS = ['manifest', 'chunk', 'cancel'] as const

export interface OtaTopics {
  manifest: string
  chunk: string
  cancel: string
  status: string
  /** What the board subscribes to: `<prefix>/<id>/ota/+`. */
  filter: string
}

export function otaTopics(prefix: string, id: string): OtaTopics {
  const base = `${prefix}/${id}/ota`
  return {
    manifest: `${base}/manifest`,
    chunk: `${base}/chunk`,
    cancel: `${base}/cancel`,
    status: `${base}/status`,
    filter: `${base}/+`,
  }
}

/** `<prefix>/<id>/ota/<kind>` → its parts; null for any other topic. */
export function parseOtaTopic(
  prefix: string,
  topic: string,
): { id: string; kind: OtaTopicKind } | null {
  if (!topic.startsWith(`${prefix}/`)) return null
  const rest = topic.slice(prefix.length + 1).split('/')
  if (rest.length !== 3 || rest[1] !== 'ota') return null
  const [id, , kind] = rest as [string, string, string]
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) return null
  if (kind !== 'manifest' && kind !== 'chunk' && kind !== 'cancel' && kind !== 'status') return null
  return { id, kind }
}

/**
 * Paths an update may write: `main.py` or a file under `lib/iotfw/`, relative, no `..`,
 * no empty segment, at most OTA_MAX_PATH_LENGTH characters (docs/ota.md "What an update is"
 * and the manifest checks).
 */
export function isAllowedOtaPath(path: string): boolean {
  if (path.length > OTA_MAX_PATH_LENGTH) return false
  if (path === 'main.py') return true
  if (!path.startsWith('lib/iotfw/')) return false
  const parts = path.split('/')
  return parts.every((p) => p !== '' && p !== '.' && p !== '..' && !p.includes('\\'))
}

export const ManifestFileSchema = z.object({
  path: z.string().refine(isAllowedOtaPath, 'path must be main.py or under lib/iotfw/'),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
})
export type ManifestFile = z.infer<typeof ManifestFileSchema>

/** The inner manifest (the JSON that is signed). */
export const ManifestSchema = z
  .object({
    v: z.literal(OTA_MANIFEST_VERSION),
    update: z.string().regex(UPDATE_ID_PATTERN),
    version: z.string().min(1).max(64),
    chunk: z.number().int().min(MIN_CHUNK_SIZE).max(MAX_CHUNK_SIZE),
    total: z.number().int().nonnegative(),
    files: z.array(ManifestFileSchema).max(OTA_MAX_FILES),
  })
  .refine((m) => m.files.some((f) => f.path === 'main.py'), {
    message: 'main.py must be in the update',
    path: ['files'],
  })
  .refine((m) => new Set(m.files.map((f) => f.path)).size === m.files.length, {
    message: 'a path is listed twice',
    path: ['files'],
  })
  .refine((m) => m.total === chunkCount(totalSize(m.files), m.chunk), {
    message: 'total must be ceil(sum of sizes / chunk)',
    path: ['total'],
  })
export type Manifest = z.infer<typeof ManifestSchema>

/** What goes on `ota/manifest`: the manifest JSON text and its HMAC-SHA256 in hex. */
export const SignedManifestSchema = z.object({
  m: z.string(),
  sig: z.string().regex(/^[0-9a-f]{64}$/),
})
export type SignedManifest = z.infer<typeof SignedManifestSchema>

export function totalSize(files: readonly { size: number }[]): number {
  return files.reduce((n, f) => n + f.size, 0)
}

export function chunkCount(bytes: number, chunk: number): number {
  return Math.ceil(bytes / chunk)
}

/** Reasons a board reports in a `failed` status or an `update_failed` event. */
export const OTA_FAILURE_REASONS = [
  'unsigned',
  'bad_signature',
  'bad_manifest',
  'busy',
  'no_space',
  'hash_mismatch',
  'corrupt_chunk',
  'crashed',
  'import_error',
  'not_online',
] as const
export type OtaFailureReason = (typeof OTA_FAILURE_REASONS)[number]

export const OTA_STATES = [
  'receiving',
  'verifying',
  'applying',
  'failed',
  'cancelled',
  'idle',
] as const
export type OtaState = (typeof OTA_STATES)[number]

/**
 * A board's `ota/status`. Loose: a board may add fields, and the app keeps only what it
 * knows. `update` is null only in the answer to a manifest-less query (`idle`).
 */
export const OtaStatusSchema = z.looseObject({
  update: z.string().nullable(),
  state: z.enum(OTA_STATES),
  next: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
  retry: z.boolean().optional(),
  reason: z.string().optional(),
  path: z.string().optional(),
  need: z.number().optional(),
  free: z.number().optional(),
  error: z.string().optional(),
  /** The chunk that kept arriving damaged (`corrupt_chunk`). */
  chunk: z.number().int().nonnegative().optional(),
})
export type OtaStatus = z.infer<typeof OtaStatusSchema>

/** Parses an `ota/status` payload; null when it is not JSON or not a status. */
export function parseOtaStatus(payload: string | Uint8Array): OtaStatus | null {
  const parsed = OtaStatusSchema.safeParse(parseJson(payload))
  return parsed.success ? parsed.data : null
}

/**
 * The update events a board sends on `<prefix>/<id>/event` (docs/ota.md steps 6–7 and the
 * refusals): a rollback is `update_failed` with `rolled_back: true`, there is no other event.
 */
export const OtaEventSchema = z.discriminatedUnion('event', [
  z.looseObject({
    event: z.literal('update_ok'),
    version: z.string(),
    previous: z.string().optional(),
  }),
  z.looseObject({
    event: z.literal('update_failed'),
    version: z.string().optional(),
    update: z.string().optional(),
    reason: z.string(),
    /** true: the board went back to `previous` by itself; false: refused before the swap. */
    rolled_back: z.boolean().optional(),
    /** With a rollback: the version the board went back to (`version` is the one tried). */
    previous: z.string().optional(),
    error: z.string().optional(),
    path: z.string().optional(),
  }),
])
export type OtaEvent = z.infer<typeof OtaEventSchema>

/** Parses an `event` payload; null unless it is one of the update events. */
export function parseOtaEvent(payload: string | Uint8Array): OtaEvent | null {
  const parsed = OtaEventSchema.safeParse(parseJson(payload))
  return parsed.success ? parsed.data : null
}

/** `ota/cancel` payload. */
export function cancelPayload(update: string): string {
  return JSON.stringify({ update })
}

/** Compares dotted versions numerically (`0.10.0` > `0.9.1`); non-numeric parts as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/)
  const pb = b.split(/[.+-]/)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0'
    const y = pb[i] ?? '0'
    const nx = /^\d+$/.test(x) ? Number(x) : NaN
    const ny = /^\d+$/.test(y) ? Number(y) : NaN
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1
    } else if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

function parseJson(payload: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload))
  } catch {
    return undefined
  }
}
