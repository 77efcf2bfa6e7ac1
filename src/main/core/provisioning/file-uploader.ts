import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { crc32 } from 'node:zlib'
import { silentLogger, type Logger } from '../base/logger'
import * as py from './device-snippets'
import type { DeviceCapabilities, HashKind } from './device-snippets'
import { ReplError } from './errors'
import type { RawRepl } from './raw-repl'

export interface DeviceFile {
  /** Absolute path on the board, e.g. "/lib/iotfw/app.py". */
  path: string
  data: Uint8Array
}

export interface UploadProgress {
  file: string
  fileIndex: number
  fileCount: number
  fileBytes: number
  fileSize: number
  bytesDone: number
  bytesTotal: number
  percent: number
}

export interface DeviceEntry {
  name: string
  path: string
  type: 'file' | 'dir'
  size: number
}

export interface UploaderEvents {
  progress: [UploadProgress]
  retry: [{ file: string; attempt: number; reason: string }]
  verified: [{ file: string; hash: HashKind; digest: string }]
}

export interface FileUploaderOptions {
  logger?: Logger
  /** Raw bytes per write call on the board (512 keeps each line short on small heaps). */
  chunkBytes?: number
  /** Write calls per raw REPL exec. */
  chunksPerExec?: number
  chunkAttempts?: number
  fileAttempts?: number
}

/** Damage we retry (a chunk's length/crc check, a garbled statement); anything else is real. */
const RETRYABLE = new Set(['ValueError', 'SyntaxError', 'NameError', 'UnicodeError'])

/**
 * Copies files to a MicroPython board through a RawRepl: mkdir -p, chunked writes
 * (base64 through binascii, or bytes literals), a per-chunk length/crc32 check on the
 * board, and a whole-file check by hash (sha256, else crc32, else Adler-32 in Python)
 * with retries. Also the file browser's list / read / remove.
 */
export class FileUploader extends EventEmitter<UploaderEvents> {
  private caps: DeviceCapabilities | null = null
  private readonly repl: RawRepl
  private readonly logger: Logger
  private readonly chunkBytes: number
  private readonly chunksPerExec: number
  private readonly chunkAttempts: number
  private readonly fileAttempts: number

  constructor(repl: RawRepl, options: FileUploaderOptions = {}) {
    super()
    this.repl = repl
    this.logger = options.logger ?? silentLogger
    this.chunkBytes = options.chunkBytes ?? 512
    this.chunksPerExec = options.chunksPerExec ?? 4
    this.chunkAttempts = options.chunkAttempts ?? 3
    this.fileAttempts = options.fileAttempts ?? 3
  }

  async capabilities(): Promise<DeviceCapabilities> {
    this.caps ??= py.parseProbe(await this.repl.run(py.PROBE, 'checking the board'))
    return this.caps
  }

  /** Uploads and verifies every file, in order; progress covers all of them. */
  async uploadAll(files: DeviceFile[], signal?: AbortSignal): Promise<void> {
    const bytesTotal = files.reduce((sum, f) => sum + f.data.length, 0)
    let before = 0
    for (const [fileIndex, file] of files.entries()) {
      await this.upload(file, signal, (fileBytes) => {
        const bytesDone = before + fileBytes
        const percent = bytesTotal === 0 ? 100 : Math.floor((bytesDone * 100) / bytesTotal)
        this.emit('progress', {
          file: file.path,
          fileIndex,
          fileCount: files.length,
          fileBytes,
          fileSize: file.data.length,
          bytesDone,
          bytesTotal,
          percent,
        })
      })
      before += file.data.length
    }
  }

  /** Writes one file and checks it on the board; rewrites it on a mismatch. */
  async upload(
    file: DeviceFile,
    signal?: AbortSignal,
    onBytes: (fileBytes: number) => void = () => undefined,
  ): Promise<void> {
    const caps = await this.capabilities()
    const expected = localDigest(file.data, caps.hash)
    for (let attempt = 1; ; attempt++) {
      await this.write(file, caps, signal, onBytes)
      const [digest, size] = (
        await this.repl.run(py.fileDigest(file.path, caps.hash), `checking ${file.path}`)
      )
        .trim()
        .split(/\s+/)
      if (digest === expected && Number(size) === file.data.length) {
        this.emit('verified', { file: file.path, hash: caps.hash, digest: expected })
        return
      }
      const reason = `${caps.hash} on the board ${digest ?? '?'} (${size ?? '?'} bytes) != ${expected}`
      if (attempt >= this.fileAttempts) {
        throw new ReplError(
          'VERIFY_FAILED',
          `${file.path} did not verify after ${attempt} attempts: ${reason}`,
          {
            hint: 'The board may have a failing flash or a bad USB cable; try another cable or erase the flash.',
          },
        )
      }
      this.logger.warn('file did not verify, rewriting', { file: file.path, attempt })
      this.emit('retry', { file: file.path, attempt, reason })
    }
  }

  /** sha256/crc32/adler32 digest and size of a file on the board. */
  async digest(path: string): Promise<{ hash: HashKind; digest: string; size: number }> {
    const caps = await this.capabilities()
    const [digest = '', size] = (
      await this.repl.run(py.fileDigest(path, caps.hash), `checking ${path}`)
    )
      .trim()
      .split(/\s+/)
    return { hash: caps.hash, digest, size: Number(size) }
  }

  async list(path = '/'): Promise<DeviceEntry[]> {
    const out = await this.repl.run(py.listDir(path), `listing ${path}`)
    const rows = JSON.parse(out.trim()) as Array<[string, boolean, number]>
    const base = path.endsWith('/') ? path : `${path}/`
    return rows.map(([name, isDir, size]) => ({
      name,
      path: `${base}${name}`,
      type: isDir ? 'dir' : 'file',
      size,
    }))
  }

  async read(path: string): Promise<Buffer> {
    const out = await this.repl.run(py.readFile(path), `reading ${path}`, 60_000)
    return Buffer.from(out.replace(/\s+/g, ''), 'base64')
  }

  async remove(path: string): Promise<void> {
    await this.repl.run(py.removePath(path), `removing ${path}`)
  }

  private async write(
    file: DeviceFile,
    caps: DeviceCapabilities,
    signal: AbortSignal | undefined,
    onBytes: (fileBytes: number) => void,
  ): Promise<void> {
    await this.repl.run(py.openForWrite(file.path, caps), `creating ${file.path}`)
    try {
      const batch = this.chunkBytes * this.chunksPerExec
      onBytes(0)
      for (let offset = 0; offset < file.data.length; offset += batch) {
        if (signal?.aborted) throw new ReplError('CANCELLED', 'upload cancelled')
        const chunks = []
        for (
          let at = offset;
          at < Math.min(offset + batch, file.data.length);
          at += this.chunkBytes
        ) {
          const data = file.data.subarray(at, Math.min(at + this.chunkBytes, file.data.length))
          chunks.push({ offset: at, data, crc: crc32(data) })
        }
        await this.writeBatch(file.path, py.writeChunks(chunks, caps))
        onBytes(Math.min(offset + batch, file.data.length))
      }
      await this.repl.run(py.CLOSE_WRITE, `closing ${file.path}`)
    } catch (error) {
      await this.abandon(file.path)
      throw error
    }
  }

  private async writeBatch(path: string, code: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.repl.run(code, `writing ${path}`)
        return
      } catch (error) {
        const type = error instanceof ReplError ? error.device?.type : undefined
        if (!type || !RETRYABLE.has(type) || attempt >= this.chunkAttempts) throw error
        this.logger.warn('chunk damaged in transit, resending', { file: path, attempt })
        this.emit('retry', {
          file: path,
          attempt,
          reason: error instanceof Error ? error.message : String(error),
        })
      }
    }
  }

  /** After a failed write: close and delete the partial file, so no half module remains. */
  private async abandon(path: string): Promise<void> {
    try {
      await this.repl.run(py.abandonWrite(path), 'cleanup')
    } catch (error) {
      this.logger.debug('cleanup after failed write did not complete', { file: path, error })
    }
  }
}

/** The digest the board's snippet prints, computed here for the bytes we sent. */
export function localDigest(data: Uint8Array, hash: HashKind): string {
  if (hash === 'sha256') return createHash('sha256').update(data).digest('hex')
  if (hash === 'crc32') return crc32(data).toString(16).padStart(8, '0')
  let a = 1
  let b = 0
  for (const x of data) {
    a = (a + x) % 65521
    b = (b + a) % 65521
  }
  return (((b << 16) | a) >>> 0).toString(16).padStart(8, '0')
}
