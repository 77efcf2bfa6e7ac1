import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

export interface StaticFile {
  body: Buffer
  type: string
}

/** Reads a file of the built renderer, refusing any path that would escape `root`. */
export async function readStaticFile(
  root: string,
  pathname: string,
): Promise<StaticFile | undefined> {
  let relative: string
  try {
    relative = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  if (relative.includes('\0')) return undefined
  if (relative === '/' || relative === '') relative = '/index.html'
  const full = normalize(join(root, relative))
  if (!full.startsWith(normalize(root + sep))) return undefined
  try {
    const info = await stat(full)
    if (!info.isFile()) return undefined
    return { body: await readFile(full), type: TYPES[extname(full)] ?? 'application/octet-stream' }
  } catch {
    return undefined
  }
}
