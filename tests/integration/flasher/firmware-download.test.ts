import { createHash } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { FlasherError, type DownloadProgress } from '../../../src/main/core/flasher'
import { buildMicroPythonLikeFirmware } from '../../simulators/esp32-rom/firmware-image'
import { startRig, type Rig } from './rig'

/**
 * A static file server for one firmware file, with Range/If-Range support and a switch
 * to stall the next response after some bytes (a connection that died mid-download).
 */
interface FirmwareServer {
  baseUrl: string
  requests: IncomingHttpHeaders[]
  stallAfter: number | null
  close(): Promise<void>
}

async function serveFirmware(name: string, body: Uint8Array): Promise<FirmwareServer> {
  const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`
  const state: FirmwareServer = {
    baseUrl: '',
    requests: [],
    stallAfter: null,
    close: async () => undefined,
  }
  const server: Server = createServer((req, res) => {
    state.requests.push(req.headers)
    if (req.url !== `/${name}`) return void res.writeHead(404).end()
    const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '')
    const rangeOk = match && (!req.headers['if-range'] || req.headers['if-range'] === etag)
    const start = rangeOk ? Number(match[1]) : 0
    const headers = {
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Content-Length': String(body.length - start),
    }
    if (rangeOk) {
      res.writeHead(206, {
        ...headers,
        'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}`,
      })
    } else res.writeHead(200, headers)
    const slice = body.subarray(start)
    if (state.stallAfter !== null) {
      const cut = state.stallAfter
      state.stallAfter = null
      res.write(slice.subarray(0, cut)) // ...and nothing more, until the client gives up
      return
    }
    res.end(slice)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return state
}

let rig: Rig
let server: FirmwareServer
let firmware: Uint8Array
const ID = 'ESP32_GENERIC@1.25.0'
const FILE = 'ESP32_GENERIC-20250415-v1.25.0.bin'

beforeEach(async () => {
  firmware = buildMicroPythonLikeFirmware({ chip: 'ESP32', appSize: 96 * 1024 })
  server = await serveFirmware(FILE, firmware)
  rig = await startRig({ service: { firmwareBaseUrl: server.baseUrl } })
})

afterEach(async () => {
  await server.close()
  await rig.stop()
})

describe('firmware catalog downloads', () => {
  test('downloads with progress into a SHA-256-named cache file', async () => {
    const progress: DownloadProgress[] = []
    rig.service.on('download-progress', (p) => progress.push(p))
    const result = await rig.service.download(ID)

    const sha = createHash('sha256').update(firmware).digest('hex')
    expect(result).toMatchObject({ sha256: sha, size: firmware.length, fromCache: false })
    expect(result.path.endsWith(`${sha}.bin`)).toBe(true)
    expect(new Uint8Array(await readFile(result.path))).toEqual(firmware)
    expect(progress.at(-1)).toMatchObject({
      bytesDone: firmware.length,
      bytesTotal: firmware.length,
      percent: 100,
    })
  })

  test('an interrupted download resumes with a Range request and ends up complete', async () => {
    server.stallAfter = 64 * 1024
    const stalled = new AbortController()
    const watch = (p: DownloadProgress) => p.bytesDone >= 64 * 1024 && stalled.abort()
    rig.service.on('download-progress', watch)
    const first = await rig.service.download(ID, stalled.signal).then(
      () => null,
      (e: unknown) => e,
    )
    rig.service.off('download-progress', watch)
    expect(first).toBeInstanceOf(FlasherError)
    expect((first as FlasherError).failure).toBe('CANCELLED')

    const progress: DownloadProgress[] = []
    rig.service.on('download-progress', (p) => progress.push(p))
    const result = await rig.service.download(ID)
    const resumedAt = Number(/bytes=(\d+)-/.exec(server.requests.at(-1)?.range ?? '')?.[1])
    expect(resumedAt).toBeGreaterThanOrEqual(64 * 1024)
    expect(server.requests.at(-1)?.['if-range']).toBeDefined()
    expect(progress[0]?.resumedFrom).toBe(resumedAt)
    expect(new Uint8Array(await readFile(result.path))).toEqual(firmware)
    expect(await readdir(join(rig.dir, 'data', 'firmware', 'partial'))).toEqual([])
  })

  test('a second download is served from the cache, even with the server gone', async () => {
    await rig.service.download(ID)
    await server.close()
    const again = await rig.service.download(ID)
    expect(again.fromCache).toBe(true)
    expect(server.requests).toHaveLength(1)
  })

  test('a catalog download can be flashed and matches byte for byte', async () => {
    const { path, entry } = await rig.service.download(ID)
    const result = await rig.service.flash({
      port: rig.pty.hostPath,
      imagePath: path,
      offset: entry.offset,
    })
    expect(result.offset).toBe(0x1000)
    expect(rig.sim.readFlash(0x1000, firmware.length).equals(Buffer.from(firmware))).toBe(true)
  })

  test('a missing file is a DOWNLOAD_FAILED with the HTTP status', async () => {
    const error = await rig.service.download('ESP32_GENERIC_S3@1.25.0').then(
      () => null,
      (e: unknown) => e as FlasherError,
    )
    expect(error?.failure).toBe('DOWNLOAD_FAILED')
    expect(error?.message).toContain('404')
  })

  test('validateLocal accepts the right chip and names the wrong one', async () => {
    const { path } = await rig.service.download(ID)
    await expect(rig.service.validateLocal({ path, chip: 'ESP32' })).resolves.toMatchObject({
      chip: 'ESP32',
    })
    await expect(rig.service.validateLocal({ path, chip: 'ESP32-C3' })).rejects.toMatchObject({
      failure: 'WRONG_CHIP',
    })
  })
})
