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
 *   resources/tray/           the tray icon, shipped next to app.asar (extraResources):
 *     tray.png                  Linux: the app icon at 32 px (panels scale it to 22-24)
 *     tray.ico                  Windows: the app icon at 16, 24, 32 and 48 px (100-300 % scale)
 *     trayTemplate.png, @2x     macOS: a template image (black + alpha, 16 and 32 px) made
 *                               from the icon by scripts/icons/tray-template.ts
 *
 * `-- --out DIR` writes the same files into DIR instead (the test of this script uses it).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { encodeIcns, encodeIco, encodePng, type Rgba } from './icons/containers'
import { templateSvg } from './icons/tray-template'

const RESOURCES = resolve(import.meta.dirname, '../resources')
const { values: flags } = parseArgs({ options: { out: { type: 'string' } } })
const OUT = resolve(flags.out ?? RESOURCES)
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
const TRAY_ICO_SIZES = [16, 24, 32, 48]
const TEMPLATE_SIZES = [16, 32]

const svg = readFileSync(join(RESOURCES, 'icon.svg'), 'utf8')

/** Draws `svg` at `size` px onto a canvas and returns its pixels (base64 of RGBA bytes). */
function rasterScript(svg: string, size: number): string {
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
const templates = new Map<number, Rgba>()
try {
  const page = await browser.newPage()
  const raster = async (source: string, size: number): Promise<Rgba> => {
    const base64 = (await page.evaluate(rasterScript(source, size))) as string
    return { width: size, height: size, data: Buffer.from(base64, 'base64') }
  }
  for (const size of LINUX_SIZES) images.set(size, await raster(svg, size))
  for (const size of TEMPLATE_SIZES) templates.set(size, await raster(templateSvg(svg), size))
} finally {
  await browser.close()
}

const png = new Map([...images].map(([size, image]) => [size, encodePng(image)]))
mkdirSync(join(OUT, 'icons'), { recursive: true })
for (const [size, data] of png) writeFileSync(join(OUT, 'icons', `${size}x${size}.png`), data)
writeFileSync(join(OUT, 'icon.png'), png.get(1024)!)
writeFileSync(join(OUT, 'icon.ico'), encodeIco(ICO_SIZES.map((size) => images.get(size)!)))
writeFileSync(join(OUT, 'icon.icns'), encodeIcns(png))
mkdirSync(join(OUT, 'tray'), { recursive: true })
writeFileSync(join(OUT, 'tray', 'tray.png'), png.get(32)!)
writeFileSync(join(OUT, 'tray', 'tray.ico'), encodeIco(TRAY_ICO_SIZES.map((n) => images.get(n)!)))
writeFileSync(join(OUT, 'tray', 'trayTemplate.png'), encodePng(templates.get(16)!))
writeFileSync(join(OUT, 'tray', 'trayTemplate@2x.png'), encodePng(templates.get(32)!))
const sha = createHash('sha256').update(svg).digest('hex')
writeFileSync(join(OUT, 'icon.svg.sha256'), `${sha}  icon.svg\n`)
console.log(`Icons written to ${OUT} (from icon.svg ${sha.slice(0, 12)})`)
