import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ReplError } from '../../../src/main/core/provisioning/errors'
import {
  FileUploader,
  type UploadProgress,
} from '../../../src/main/core/provisioning/file-uploader'
import { collectFirmwareFiles } from '../../../src/main/core/provisioning/firmware-files'
import { session, useBoards } from './helpers'

useBoards()

const FIRMWARE = resolve('firmware')
const bytes = (n: number, seed = 7): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff))

describe('FileUploader against simulated MicroPython', () => {
  it('copies the firmware folder and the board holds it byte for byte', async () => {
    const { board, repl } = await session()
    const files = await collectFirmwareFiles(FIRMWARE)
    expect(files.length).toBeGreaterThan(0)
    const uploader = new FileUploader(repl)
    const progress: UploadProgress[] = []
    uploader.on('progress', (p) => progress.push(p))
    await uploader.uploadAll(files)

    const onBoard = board.sim.files()
    for (const file of files) {
      expect(onBoard.get(file.path), file.path).toEqual(Buffer.from(file.data))
    }
    // Examples, docs, dotfiles and per-board files stay on the host.
    expect(
      [...onBoard.keys()].filter((p) => /example|README|\/\.|secrets|config\.json/.test(p)),
    ).toEqual([])
    expect(files.at(-1)?.path).toBe('/main.py')
    const percents = progress.map((p) => p.percent)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(progress.at(-1)).toMatchObject({ percent: 100, bytesDone: progress.at(-1)?.bytesTotal })
  })

  it('rewrites a file whose content was damaged on the way to flash', async () => {
    const { board, repl } = await session()
    const uploader = new FileUploader(repl, { chunkBytes: 256 })
    const retries: string[] = []
    uploader.on('retry', (r) => retries.push(r.file))
    board.sim.faults.corruptWrites = 1
    const data = bytes(3000)
    await uploader.upload({ path: '/lib/deep/dir/blob.bin', data })
    expect(retries).toEqual(['/lib/deep/dir/blob.bin'])
    expect(board.sim.readFile('/lib/deep/dir/blob.bin')).toEqual(data)
  })

  it('gives up with VERIFY_FAILED when the flash keeps corrupting', async () => {
    const { board, repl } = await session()
    board.sim.faults.corruptWrites = 1000
    const uploader = new FileUploader(repl, { fileAttempts: 2 })
    const error = await uploader
      .upload({ path: '/x.bin', data: bytes(600) })
      .catch((e: unknown) => e)
    expect((error as ReplError).failure).toBe('VERIFY_FAILED')
  })

  it('verifies with crc32 (or Adler-32) on builds without hashlib.sha256', async () => {
    const { board, repl } = await session({ without: ['hashlib.sha256'] })
    const uploader = new FileUploader(repl)
    expect((await uploader.capabilities()).hash).toBe('crc32')
    await uploader.upload({ path: '/a.bin', data: bytes(1500) })
    expect(board.sim.readFile('/a.bin')).toEqual(bytes(1500))
    await board.close()

    const bare = await session({
      without: ['hashlib.sha256', 'binascii.crc32', 'binascii.a2b_base64'],
    })
    const fallback = new FileUploader(bare.repl)
    expect(await fallback.capabilities()).toEqual({ hash: 'adler32', base64: false, crc32: false })
    await fallback.upload({ path: '/b.bin', data: bytes(700, 3) })
    expect(bare.board.sim.readFile('/b.bin')).toEqual(bytes(700, 3))
  })

  it('fails with DEVICE_FULL on ENOSPC and leaves no partial file', async () => {
    const { board, repl } = await session()
    board.sim.faults.enospcAfterBytes = 1000
    const uploader = new FileUploader(repl, { chunkBytes: 256 })
    const error = (await uploader
      .upload({ path: '/lib/big.py', data: bytes(4000) })
      .catch((e: unknown) => e)) as ReplError
    expect(error).toBeInstanceOf(ReplError)
    expect(error.failure).toBe('DEVICE_FULL')
    expect(error.device?.errno).toBe(28)
    expect(error.message).toContain('ENOSPC')
    expect(board.sim.readFile('/lib/big.py')).toBeUndefined()
  })

  it('fails fast with PORT_CLOSED when the port vanishes mid-upload', async () => {
    const { board, repl } = await session({ responseDelayMs: 20 })
    const uploader = new FileUploader(repl, { chunkBytes: 256, chunksPerExec: 1 })
    let unplugged: Promise<void> | null = null
    uploader.on('progress', (p) => {
      if (p.bytesDone >= 1024 && !unplugged) unplugged = board.pty.kill()
    })
    const started = Date.now()
    const error = (await uploader
      .uploadAll([{ path: '/big.bin', data: bytes(20_000) }])
      .catch((e: unknown) => e)) as ReplError
    await unplugged
    expect(error).toBeInstanceOf(ReplError)
    expect(error.failure).toBe('PORT_CLOSED')
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('lists, reads back and removes files for the REPL file browser', async () => {
    const { repl } = await session({ files: { '/boot.py': '# boot\n', '/lib/a.py': 'A = 1\n' } })
    const files = new FileUploader(repl)
    expect(await files.list('/')).toEqual([
      { name: 'boot.py', path: '/boot.py', type: 'file', size: 7 },
      { name: 'lib', path: '/lib', type: 'dir', size: expect.any(Number) },
    ])
    expect((await files.read('/lib/a.py')).toString()).toBe('A = 1\n')
    await files.remove('/lib')
    expect((await files.list('/')).map((e) => e.name)).toEqual(['boot.py'])
    const missing = (await files.read('/nope.py').catch((e: unknown) => e)) as ReplError
    expect(missing.failure).toBe('NOT_FOUND')
  })
})
