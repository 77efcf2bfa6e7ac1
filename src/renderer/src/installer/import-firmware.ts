import type { ApiClient } from '@shared/api'
import type { LocalFirmware } from '@shared/contract/flasher'
import { MAX_IMAGE_BYTES } from '@shared/contract/flasher'
import { ApiError } from '@shared/errors'

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  // In slices: String.fromCharCode with 512 KiB of arguments would overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(binary)
}

/**
 * Sends a .bin the person picked to the core in chunks (the core may be on another
 * computer in web mode), reporting progress 0..1; returns what the core made of it.
 */
export async function importFirmware(
  api: ApiClient,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<LocalFirmware> {
  if (file.size === 0) throw new ApiError('BAD_INPUT', `${file.name} is empty.`)
  if (file.size > MAX_IMAGE_BYTES) {
    throw new ApiError(
      'BAD_INPUT',
      `${file.name} is ${Math.round(file.size / 1048576)} MB: larger than any ESP32 flash. Pick a MicroPython .bin.`,
    )
  }
  const { uploadId, chunkBytes } = await api.call('firmware.importBegin', {
    name: file.name,
    size: file.size,
  })
  const bytes = new Uint8Array(await file.arrayBuffer())
  for (let offset = 0, index = 0; offset < bytes.length; offset += chunkBytes, index++) {
    await api.call('firmware.importChunk', {
      uploadId,
      index,
      data: toBase64(bytes.subarray(offset, offset + chunkBytes)),
    })
    onProgress(Math.min(1, (offset + chunkBytes) / bytes.length))
  }
  return api.call('firmware.importFinish', { uploadId })
}
