import { describe, expect, it } from 'vitest'
import { LocalFirmwareStore } from '../../../src/main/core/installer/local-firmware'
import { tempDir } from '../../helpers/temp-dir'
import { buildMicroPythonLikeFirmware } from '../../simulators/esp32-rom/firmware-image'

describe('LocalFirmwareStore: a .bin uploaded in chunks', () => {
  it('reassembles in order, validates, and keeps it under a content id', async () => {
    const dir = await tempDir('local-fw-')
    const store = new LocalFirmwareStore({ dir: dir.path })
    const image = buildMicroPythonLikeFirmware({ chip: 'ESP32-S3', appSize: 4096 })
    const { uploadId } = await store.begin('C:\\fakepath\\s3.bin', image.length)
    const half = Math.ceil(image.length / 2)
    await expect(store.chunk(uploadId, 1, 'AAAA')).rejects.toThrow(/Expected chunk 0/)
    await store.chunk(uploadId, 0, Buffer.from(image.subarray(0, half)).toString('base64'))
    await store.chunk(uploadId, 1, Buffer.from(image.subarray(half)).toString('base64'))
    const local = await store.finish(uploadId)
    expect(local).toMatchObject({ name: 's3.bin', size: image.length, image: { chip: 'ESP32-S3' } })
    expect(local.localId).toMatch(/^[0-9a-f]{32}$/)
    expect(await store.path(local.localId)).toMatch(new RegExp(`${local.localId}\\.bin$`))
    await expect(store.path('0'.repeat(32))).rejects.toThrow(/gone/)
    await dir.cleanup()
  })

  it('refuses a short upload, extra bytes and files that are no ESP image', async () => {
    const dir = await tempDir('local-fw-')
    const store = new LocalFirmwareStore({ dir: dir.path })
    const short = await store.begin('a.bin', 10)
    await store.chunk(short.uploadId, 0, Buffer.alloc(5).toString('base64'))
    await expect(store.finish(short.uploadId)).rejects.toThrow(/incomplete: 5 of 10/)
    const long = await store.begin('b.bin', 4)
    await expect(store.chunk(long.uploadId, 0, Buffer.alloc(5).toString('base64'))).rejects.toThrow(
      /More data/,
    )
    const text = await store.begin('c.bin', 64)
    await store.chunk(text.uploadId, 0, Buffer.alloc(64, 0x41).toString('base64'))
    const refused = store.finish(text.uploadId)
    await expect(refused).rejects.toThrow(
      /^This file is not an ESP32 firmware image: every ESP32 image starts with the byte 0xE9, and this one does not\./,
    )
    await expect(refused).rejects.not.toThrow(/0x41/)
    await dir.cleanup()
  })

  it('says what a wrong file is when it can tell: a ZIP, an ELF, a UF2 or an Intel HEX file', async () => {
    const dir = await tempDir('local-fw-')
    const store = new LocalFirmwareStore({ dir: dir.path })
    const cases: Array<[string, RegExp]> = [
      ['PK\x03\x04', /ZIP archive.*unpack it/],
      ['\x7fELF', /ELF file.*\.bin/],
      ['UF2\n', /UF2 file/],
      [':10000000', /Intel HEX/],
    ]
    for (const [start, message] of cases) {
      const bytes = Buffer.alloc(64, 0)
      bytes.write(start, 'latin1')
      const upload = await store.begin('x.bin', 64)
      await store.chunk(upload.uploadId, 0, bytes.toString('base64'))
      await expect(store.finish(upload.uploadId), start).rejects.toThrow(message)
    }
    await dir.cleanup()
  })
})
