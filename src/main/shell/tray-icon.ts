/**
 * The tray icon, drawn here as a PNG (Electron's nativeImage reads PNG, not the app's SVG):
 * a filled disc in the app's accent colour on transparency, 32 x 32 so HiDPI trays stay sharp.
 * PNG per RFC 2083: signature, IHDR, one IDAT (zlib), IEND; each chunk with its CRC-32.
 */
import { crc32, deflateSync } from 'node:zlib'

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

export function trayIconPng(size = 32, rgb: [number, number, number] = [0x2f, 0x80, 0xed]): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // colour type: RGBA
  const rows = Buffer.alloc(size * (1 + size * 4))
  const centre = (size - 1) / 2
  const radius = size / 2 - 1
  for (let y = 0; y < size; y++) {
    const row = y * (1 + size * 4)
    rows[row] = 0 // filter: none
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre)
      // One pixel of edge fade, so the disc is not jagged.
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5))
      const at = row + 1 + x * 4
      rows[at] = rgb[0]
      rows[at + 1] = rgb[1]
      rows[at + 2] = rgb[2]
      rows[at + 3] = Math.round(alpha * 255)
    }
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
