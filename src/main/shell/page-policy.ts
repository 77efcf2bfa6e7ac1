/**
 * Which page is the app's own. It decides navigation and the IPC sender check, so it must
 * not accept "any file://": a local HTML file the window were navigated to (a dropped file,
 * a link) would otherwise get the whole window.api.
 */
import { pathToFileURL } from 'node:url'

export interface PagePolicyOptions {
  /** Absolute path of the built renderer's index.html (production). */
  indexFile: string
  /** electron-vite's dev server URL (ELECTRON_RENDERER_URL), only in `npm run dev`. */
  devUrl?: string
  /** Windows paths compare without case (C:/Program Files vs c:/program files). */
  platform?: NodeJS.Platform
}

export interface PagePolicy {
  /** The URL the window loads. */
  readonly startUrl: string
  /** True only for the app's own page (any #route of it): index.html, or the dev origin. */
  isOwnPage(url: string): boolean
}

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

export function createPagePolicy(options: PagePolicyOptions): PagePolicy {
  const own = options.devUrl
    ? parse(options.devUrl)
    : pathToFileURL(options.indexFile, { windows: options.platform === 'win32' })
  if (!own) throw new Error(`The renderer URL "${options.devUrl}" is not a URL.`)
  const dev = options.devUrl !== undefined
  const fold = (path: string): string =>
    options.platform === 'win32' ? decodeURIComponent(path).toLowerCase() : path
  if (dev && own.protocol !== 'http:' && own.protocol !== 'https:')
    throw new Error(`The renderer dev URL must be http(s), not ${own.protocol}`)
  return {
    startUrl: own.href,
    isOwnPage(url: string): boolean {
      const target = parse(url)
      if (!target || target.username || target.password) return false
      // The renderer routes with the hash (#/settings): that part may differ.
      if (dev) return target.origin === own.origin
      return (
        target.protocol === 'file:' &&
        target.host === own.host &&
        fold(target.pathname) === fold(own.pathname) &&
        target.search === ''
      )
    },
  }
}
