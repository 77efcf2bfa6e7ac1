import { timingSafeEqual, randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const TOKEN_COOKIE = 'iotcc_token'

export function generateToken(): string {
  return randomBytes(24).toString('base64url')
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** The token a request presents: ?token=, `Authorization: Bearer`, or the cookie set on first visit. */
export function presentedToken(request: IncomingMessage, url: URL): string | undefined {
  const query = url.searchParams.get('token')
  if (query) return query
  const auth = request.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim()
  const cookies = request.headers.cookie?.split(';') ?? []
  for (const cookie of cookies) {
    const [name, ...rest] = cookie.trim().split('=')
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='))
  }
  return undefined
}

export function isAuthorized(request: IncomingMessage, url: URL, token: string): boolean {
  const presented = presentedToken(request, url)
  return presented !== undefined && safeEqual(presented, token)
}

/**
 * Browsers always send Origin on WebSocket upgrades; a page from another site must not
 * drive this API even if it guessed the port. Non-browser clients send none.
 */
export function isAllowedOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  const host = request.headers.host
  return origin === `http://${host}` || origin === `https://${host}`
}
