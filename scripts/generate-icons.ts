/**
 * `npm run icons`: every icon the installers need, from the one source resources/icon.svg.
 * Chromium (the Debian package Playwright drives for the UI tests; CHROMIUM_PATH to use
 * another) rasterises the SVG at each size; scripts/icons/containers.ts writes the files:
 *
 *   resources/icons/NxN.png   Linux (AppImage, .deb hicolor theme), 16 … 1024 px
 *   resources/icon.png        1024 px, for anything that wants one PNG
 *   resources/icon.ico        Windows app, NSIS installer and uninstaller: 16 … 256 px
 *   resources/icon.icns       macOS app and dmg: 16 pt … 512 pt, 1x and 2x
 *   resources/icon.svg.sha256 the source these came from (tests/packaging checks it is current)
 *
 * `-- --out DIR` writes the same files into DIR instead (the test of this script uses it).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { encodeIcns, encodeIco, encodePng, type Rgba } from './icons/containers'

const RESOURCES = resolve(import.meta.dirname, '../resources')
const { values: flags } = parseArgs({ options: { out: { type: 'string' } } })
const OUT = resolve(flags.out ?? RESOURCES)
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]

const svg = readFileSync(join(RESOURCES, 'icon.svg'), 'utf8')

/** Draws the SVG at `size` px onto a canvas and returns its pixels (base64 of RGBA bytes). */
function rasterScript(size: number): string {
  // The root gets an explicit size so the vector is drawn at that size, not scaled from 300×150.
  const sized = svg.replace(/<svg\b/, `<svg width="${size}" height="${size}"`)
  const src = `data:image/svg+xml;base64,${Buffer.from(sized).toString('base64')}`
  return `(async () => {
    const img = new Image()
    img.src = ${JSON.stringify(src)}
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = ${size}
    canvas.height = ${size}
    const ctx = canvas.getContext('2d')
    ctx.drawImage(img, 0, 0, ${size}, ${size})
    const bytes = ctx.getImageData(0, 0, ${size}, ${size}).data
    let text = ''
    for (let i = 0; i < bytes.length; i += 0x8000) {
      text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000))
    }
    return btoa(text)
  })()`
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
})
const images = new Map<number, Rgba>()
try {
  const page = await browser.newPage()
  for (const size of LINUX_SIZES) {
    const base64 = (await page.evaluate(rasterScript(size))) as string
    images.set(size, { width: size, height: size, data: Buffer.from(base64, 'base64') })
  }
} finally {
  await browser.close()
}

const png = new Map([...images].map(([size, image]) => [size, encodePng(image)]))
mkdirSync(join(OUT, 'icons'), { recursive: true })
for (const [size, data] of png) writeFileSync(join(OUT, 'icons', `${size}x${size}.png`), data)
writeFileSync(join(OUT, 'icon.png'), png.get(1024)!)
writeFileSync(join(OUT, 'icon.ico'), encodeIco(ICO_SIZES.map((size) => images.get(size)!)))
writeFileSync(join(OUT, 'icon.icns'), encodeIcns(png))
const sha = createHash('sha256').update(svg).digest('hex')
writeFileSync(join(OUT, 'icon.svg.sha256'), `${sha}  icon.svg\n`)
console.log(`Icons written to ${OUT} (from icon.svg ${sha.slice(0, 12)})`)
