/**
 * Icon file formats, written from raw RGBA pixels: PNG (what Linux and the ICNS entries use),
 * ICO (Windows, NSIS) and ICNS (macOS). Small and dependency-free so the icons are reproducible
 * from resources/icon.svg on any machine (scripts/generate-icons.ts).
 */
import { crc32, deflateSync } from 'node:zlib'

/** A square (or not) image: `data` holds width × height RGBA pixels, rows top to bottom. */
export interface Rgba {
  width: number
  height: number
  data: Uint8Array
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(data.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0)
  return Buffer.concat([head, data, crc])
}

/** PNG, 8-bit RGBA, non-interlaced (PNG spec §11.2.2 IHDR, §9 filter type 0 "None"). */
export function encodePng(image: Rgba): Buffer {
  const { width, height, data } = image
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 6, 0, 0, 0], 8) // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  const stride = width * 4
  const raw = Buffer.alloc((stride + 1) * height)
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0
    raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** Width and height from a PNG's IHDR; throws on anything that is not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength)
  if (buf.readUInt32BE(0) !== 0x89504e47 || buf.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG')
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) }
}

/**
 * A 32-bit BMP as stored inside an ICO: BITMAPINFOHEADER with the height doubled (XOR image +
 * AND mask), BGRA rows bottom-up, then an all-zero 1-bit AND mask (alpha decides).
 */
function icoBitmap(image: Rgba): Buffer {
  const { width, height, data } = image
  const header = Buffer.alloc(40)
  header.writeUInt32LE(40, 0)
  header.writeInt32LE(width, 4)
  header.writeInt32LE(height * 2, 8)
  header.writeUInt16LE(1, 12) // planes
  header.writeUInt16LE(32, 14) // bits per pixel
  header.writeUInt32LE(width * height * 4, 20) // image size (compression 0 = BI_RGB)
  const pixels = Buffer.alloc(width * height * 4)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4
      const to = ((height - 1 - y) * width + x) * 4
      pixels[to] = data[from + 2]!
      pixels[to + 1] = data[from + 1]!
      pixels[to + 2] = data[from]!
      pixels[to + 3] = data[from + 3]!
    }
  }
  const maskStride = Math.ceil(width / 32) * 4
  return Buffer.concat([header, pixels, Buffer.alloc(maskStride * height)])
}

/**
 * ICO with one entry per image, smallest first. Entries of 256 px are PNG-compressed (as
 * Windows Vista+ expects); smaller ones are BMPs, which every reader, NSIS included, accepts.
 */
export function encodeIco(images: Rgba[]): Buffer {
  const sorted = [...images].sort((a, b) => a.width - b.width)
  const blobs = sorted.map((image) => (image.width >= 256 ? encodePng(image) : icoBitmap(image)))
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // type 1 = icon
  header.writeUInt16LE(sorted.length, 4)
  const directory = Buffer.alloc(16 * sorted.length)
  let offset = header.length + directory.length
  sorted.forEach((image, i) => {
    const entry = i * 16
    directory[entry] = image.width >= 256 ? 0 : image.width // 0 means 256
    directory[entry + 1] = image.height >= 256 ? 0 : image.height
    directory.writeUInt16LE(1, entry + 4) // colour planes
    directory.writeUInt16LE(32, entry + 6) // bits per pixel
    directory.writeUInt32LE(blobs[i]!.length, entry + 8)
    directory.writeUInt32LE(offset, entry + 12)
    offset += blobs[i]!.length
  })
  return Buffer.concat([header, directory, ...blobs])
}

/** The ICNS types that hold PNG data, by pixel size (Apple's IconFamily.h; @2x types last). */
export const ICNS_TYPES: ReadonlyArray<readonly [type: string, pixels: number]> = [
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic11', 32], // 16 pt @2x
  ['ic12', 64], // 32 pt @2x
  ['ic13', 256], // 128 pt @2x
  ['ic14', 512], // 256 pt @2x
  ['ic10', 1024], // 512 pt @2x
]

/** ICNS: 'icns' + total length, then one (type, length, PNG) element per entry of ICNS_TYPES. */
export function encodeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const elements = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size)
    if (!png) throw new Error(`ICNS needs a ${size} px PNG for ${type}`)
    const head = Buffer.alloc(8)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(png.length + 8, 4)
    return Buffer.concat([head, png])
  })
  const body = Buffer.concat(elements)
  const head = Buffer.alloc(8)
  head.write('icns', 0, 'latin1')
  head.writeUInt32BE(body.length + 8, 4)
  return Buffer.concat([head, body])
}

/** The entries of an ICO: pixel size and whether each is PNG or BMP (for checks). */
export function readIco(ico: Buffer): { width: number; height: number; format: 'png' | 'bmp' }[] {
  if (ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) throw new Error('not an ICO')
  const out: { width: number; height: number; format: 'png' | 'bmp' }[] = []
  for (let i = 0; i < ico.readUInt16LE(4); i++) {
    const entry = 6 + i * 16
    const size = ico.readUInt32LE(entry + 8)
    const blob = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + size)
    if (blob.length !== size) throw new Error(`ICO entry ${i} is cut short`)
    if (blob.readUInt32BE(0) === 0x89504e47) out.push({ ...pngSize(blob), format: 'png' })
    else out.push({ width: blob.readInt32LE(4), height: blob.readInt32LE(8) / 2, format: 'bmp' })
  }
  return out
}

/** The elements of an ICNS: type and PNG pixel size (for checks). */
export function readIcns(icns: Buffer): { type: string; width: number; height: number }[] {
  if (icns.toString('latin1', 0, 4) !== 'icns' || icns.readUInt32BE(4) !== icns.length) {
    throw new Error('not an ICNS (or its length is wrong)')
  }
  const out: { type: string; width: number; height: number }[] = []
  for (let at = 8; at < icns.length;) {
    const type = icns.toString('latin1', at, at + 4)
    const length = icns.readUInt32BE(at + 4)
    if (length < 8 || at + length > icns.length)
      throw new Error(`ICNS element ${type} is cut short`)
    out.push({ type, ...pngSize(icns.subarray(at + 8, at + length)) })
    at += length
  }
  return out
}
