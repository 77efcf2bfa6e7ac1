import { createHash, randomBytes } from 'node:crypto'
import { appendFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  IMPORT_CHUNK_BYTES,
  MAX_IMAGE_BYTES,
  type LocalFirmware,
} from '../../../shared/contract/flasher'
import { ApiError } from '../../../shared/errors'
import { systemClock, type Clock } from '../base/clock'
import { BOOTLOADER_OFFSETS, parseImage, validateFirmware } from '../flasher'

export interface LocalFirmwareOptions {
  /** `<dataDir>/firmware/local`: imported images live next to the catalog downloads. */
  dir: string
  clock?: Clock
  /** An upload nobody continued for this long is dropped (default 10 min). */
  idleMs?: number
}

interface Upload {
  name: string
  size: number
  received: number
  nextIndex: number
  touched: number
  hash: ReturnType<typeof createHash>
}

/** Ids are the first 32 hex digits of the image's SHA-256. */
const LOCAL_ID = /^[0-9a-f]{32}$/

/**
 * Images the person picked on their own computer. The UI may run in a browser on another
 * machine, so the file arrives in base64 chunks (each under the WebSocket's 1 MiB message
 * limit), is checked as an ESP image and kept under a content-derived id.
 */
export class LocalFirmwareStore {
  private readonly uploads = new Map<string, Upload>()
  private readonly clock: Clock

  constructor(private readonly options: LocalFirmwareOptions) {
    this.clock = options.clock ?? systemClock
  }

  async begin(name: string, size: number): Promise<{ uploadId: string; chunkBytes: number }> {
    this.expire()
    if (size > MAX_IMAGE_BYTES) throw new ApiError('BAD_INPUT', 'The file is larger than 16 MB.')
    await mkdir(this.options.dir, { recursive: true })
    const uploadId = randomBytes(16).toString('hex')
    await writeFile(this.partPath(uploadId), new Uint8Array())
    this.uploads.set(uploadId, {
      name: baseName(name),
      size,
      received: 0,
      nextIndex: 0,
      touched: this.clock.now(),
      hash: createHash('sha256'),
    })
    return { uploadId, chunkBytes: IMPORT_CHUNK_BYTES }
  }

  async chunk(uploadId: string, index: number, base64: string): Promise<{ received: number }> {
    const upload = this.upload(uploadId)
    if (index !== upload.nextIndex) {
      throw new ApiError('BAD_INPUT', `Expected chunk ${upload.nextIndex}, got ${index}.`)
    }
    const bytes = Buffer.from(base64, 'base64')
    if (bytes.length === 0 || bytes.length > IMPORT_CHUNK_BYTES) {
      throw new ApiError('BAD_INPUT', 'A chunk must hold 1 byte to 512 KiB.')
    }
    if (upload.received + bytes.length > upload.size) {
      await this.abort(uploadId)
      throw new ApiError('BAD_INPUT', 'More data arrived than the announced file size.')
    }
    await appendFile(this.partPath(uploadId), bytes)
    upload.hash.update(bytes)
    upload.received += bytes.length
    upload.nextIndex++
    upload.touched = this.clock.now()
    return { received: upload.received }
  }

  /** Checks the image, keeps it as `<sha256>.bin` and returns what it is. */
  async finish(uploadId: string): Promise<LocalFirmware> {
    const upload = this.upload(uploadId)
    this.uploads.delete(uploadId)
    const part = this.partPath(uploadId)
    try {
      if (upload.received !== upload.size) {
        throw new ApiError(
          'BAD_INPUT',
          `The upload is incomplete: ${upload.received} of ${upload.size} bytes arrived.`,
        )
      }
      const bytes = new Uint8Array(await readFile(part))
      const header = parseImage(bytes)
      // Check the merged layout (bootloader + app) at the offset the file's chip uses.
      const offset = header.chip ? BOOTLOADER_OFFSETS[header.chip] : 0
      const image = validateFirmware(bytes, { offset })
      const sha256 = upload.hash.digest('hex')
      const localId = sha256.slice(0, 32)
      await rename(part, this.binPath(localId))
      const record: LocalFirmware = { localId, name: upload.name, size: upload.size, sha256, image }
      await writeFile(this.metaPath(localId), JSON.stringify(record))
      return record
    } finally {
      await rm(part, { force: true })
    }
  }

  /** Path of an imported image; NOT_FOUND for an unknown id. */
  async path(localId: string): Promise<string> {
    if (!LOCAL_ID.test(localId)) throw new ApiError('BAD_INPUT', 'Not a firmware id.')
    const file = this.binPath(localId)
    try {
      await stat(file)
    } catch {
      throw new ApiError('NOT_FOUND', 'That firmware file is gone: choose it again.')
    }
    return file
  }

  async close(): Promise<void> {
    for (const id of [...this.uploads.keys()]) await this.abort(id)
  }

  private upload(uploadId: string): Upload {
    this.expire()
    const upload = this.uploads.get(uploadId)
    if (!upload) throw new ApiError('NOT_FOUND', 'No such upload (it may have expired).')
    return upload
  }

  private expire(): void {
    const limit = this.clock.now() - (this.options.idleMs ?? 10 * 60_000)
    for (const [id, upload] of this.uploads) if (upload.touched < limit) void this.abort(id)
  }

  private async abort(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId)
    await rm(this.partPath(uploadId), { force: true })
  }

  private partPath(uploadId: string): string {
    return join(this.options.dir, `${uploadId}.part`)
  }

  private binPath(localId: string): string {
    return join(this.options.dir, `${localId}.bin`)
  }

  private metaPath(localId: string): string {
    return join(this.options.dir, `${localId}.json`)
  }
}

/** The file's own name only: a browser may send "C:\\fakepath\\x.bin". */
function baseName(name: string): string {
  return name.split(/[\\/]/).pop()?.slice(0, 255) || 'firmware.bin'
}
