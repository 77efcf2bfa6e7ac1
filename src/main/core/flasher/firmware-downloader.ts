import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { systemClock, type Clock } from '../base/clock'
import { silentLogger, type Logger } from '../base/logger'
import { FlasherError, cancelledError } from './errors'
import { RateMeter } from './progress'
import type { DownloadProgress, DownloadResult } from './types'

export interface DownloaderOptions {
  dataDir: string
  fetch?: typeof fetch
  clock?: Clock
  logger?: Logger
}

export interface DownloadOptions {
  expectedSha256?: string
  signal?: AbortSignal
  onProgress?: (progress: DownloadProgress) => void
}

type CacheIndex = Record<string, { sha256: string; size: number }>
interface PartialMeta {
  url: string
  validator?: string
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Downloads firmware into `<dataDir>/firmware/<sha256>.bin`, so a file is stored once
 * and found again offline (index.json maps URLs to hashes). Interrupted downloads keep
 * their `.part` file and resume with an HTTP Range request (RFC 9110 §14.2), guarded by
 * If-Range so a changed file on the server restarts from zero instead of mixing.
 */
export class FirmwareDownloader {
  private readonly fetchImpl: typeof fetch
  private readonly clock: Clock
  private readonly logger: Logger
  readonly cacheDir: string

  constructor(options: DownloaderOptions) {
    this.cacheDir = join(options.dataDir, 'firmware')
    this.fetchImpl = options.fetch ?? fetch
    this.clock = options.clock ?? systemClock
    this.logger = options.logger ?? silentLogger
  }

  /** The cached file for `url`, if it was downloaded before and is still there. */
  async cached(url: string): Promise<DownloadResult | null> {
    const entry = (await this.readIndex())[url]
    if (!entry) return null
    const path = join(this.cacheDir, `${entry.sha256}.bin`)
    try {
      const info = await stat(path)
      return { path, sha256: entry.sha256, size: info.size, fromCache: true }
    } catch {
      return null
    }
  }

  async download(url: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    const hit = await this.cached(url)
    if (hit && (!options.expectedSha256 || hit.sha256 === options.expectedSha256)) return hit
    const partDir = join(this.cacheDir, 'partial')
    await mkdir(partDir, { recursive: true })
    const part = join(partDir, `${sha256Hex(url).slice(0, 24)}.part`)
    const metaPath = `${part}.json`
    const meta = await readFile(metaPath, 'utf8').then(
      (t) => JSON.parse(t) as PartialMeta,
      () => null,
    )
    let have =
      meta?.url === url
        ? await stat(part).then(
            (s) => s.size,
            () => 0,
          )
        : 0

    const headers: Record<string, string> = {}
    if (have > 0) {
      headers.Range = `bytes=${have}-`
      if (meta?.validator) headers['If-Range'] = meta.validator
    }
    let response: Response
    try {
      response = await this.fetchImpl(url, { headers, signal: options.signal })
    } catch (error) {
      throw this.failure(url, error, options.signal)
    }
    if (
      response.status === 206 &&
      !response.headers.get('content-range')?.startsWith(`bytes ${have}-`)
    ) {
      throw new FlasherError(
        'DOWNLOAD_FAILED',
        `The server answered ${url} with an unexpected range.`,
      )
    }
    if (response.status === 200)
      have = 0 // no Range support, or the file changed (If-Range)
    else if (response.status !== 206) {
      throw new FlasherError(
        'DOWNLOAD_FAILED',
        `Download of ${url} failed: HTTP ${response.status}.`,
      )
    }
    const validator =
      response.headers.get('etag') ?? response.headers.get('last-modified') ?? undefined
    await writeFile(metaPath, JSON.stringify({ url, validator } satisfies PartialMeta))
    const total = totalSize(response, have)

    const file = await open(part, have > 0 ? 'a' : 'w')
    const meter = new RateMeter(() => this.clock.now())
    meter.reset(have)
    let done = have
    const report = () => {
      const rate = meter.update(done, total)
      options.onProgress?.({ url, bytesDone: done, bytesTotal: total, resumedFrom: have, ...rate })
    }
    try {
      report()
      if (!response.body) throw new Error('empty response body')
      for await (const chunk of response.body) {
        await file.write(chunk)
        done += chunk.length
        report()
      }
    } catch (error) {
      throw this.failure(url, error, options.signal)
    } finally {
      await file.close()
    }
    if (total !== null && done !== total) {
      throw new FlasherError(
        'DOWNLOAD_FAILED',
        `Download of ${url} ended early (${done} of ${total} bytes).`,
        'Retry to resume.',
      )
    }
    return this.store(url, part, metaPath, options.expectedSha256)
  }

  private async store(
    url: string,
    part: string,
    metaPath: string,
    expected?: string,
  ): Promise<DownloadResult> {
    const sha256 = await hashFile(part)
    if (expected && sha256 !== expected.toLowerCase()) {
      await rm(part, { force: true })
      await rm(metaPath, { force: true })
      throw new FlasherError(
        'DOWNLOAD_FAILED',
        `The downloaded file is corrupt (SHA-256 ${sha256}).`,
        'Retry the download.',
      )
    }
    const path = join(this.cacheDir, `${sha256}.bin`)
    await rename(part, path)
    await rm(metaPath, { force: true })
    const size = (await stat(path)).size
    const index = await this.readIndex()
    index[url] = { sha256, size }
    const tmp = join(this.cacheDir, `index.json.${process.pid}.tmp`)
    await writeFile(tmp, JSON.stringify(index, null, 2))
    await rename(tmp, join(this.cacheDir, 'index.json'))
    this.logger.info('firmware cached', { url, sha256, size })
    return { path, sha256, size, fromCache: false }
  }

  private async readIndex(): Promise<CacheIndex> {
    try {
      return JSON.parse(await readFile(join(this.cacheDir, 'index.json'), 'utf8')) as CacheIndex
    } catch {
      return {}
    }
  }

  private failure(url: string, error: unknown, signal?: AbortSignal): FlasherError {
    if (error instanceof FlasherError) return error
    if (signal?.aborted) return cancelledError()
    return new FlasherError(
      'DOWNLOAD_FAILED',
      `Download of ${url} failed: ${error instanceof Error ? error.message : String(error)}.`,
      'Check the internet connection and Retry; the download resumes where it stopped.',
      { cause: error },
    )
  }
}

/** Full size from Content-Range ("bytes 100-999/1000") or Content-Length. */
function totalSize(response: Response, have: number): number | null {
  const range = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')
  if (range) return Number(range[1])
  const length = response.headers.get('content-length')
  return length === null ? null : Number(length) + (response.status === 206 ? have : 0)
}
