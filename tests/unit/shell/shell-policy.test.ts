import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../../src/main/server/web-server'
import { guardContents } from '../../../src/main/shell/navigation-guard'
import { createPagePolicy } from '../../../src/main/shell/page-policy'
import { lockSession } from '../../../src/main/shell/session-policy'
import { FakeSession, FakeWebContents, fakeEvent } from './fake-electron'

const indexFile = '/opt/iotcc/resources/app.asar/out/renderer/index.html'
const own = pathToFileURL(indexFile).href
const policy = createPagePolicy({ indexFile })
const quiet = { warn: () => undefined }

describe('the app page policy', () => {
  it("accepts only the app's own index.html, on any #route", () => {
    expect(policy.startUrl).toBe(own)
    expect(policy.isOwnPage(own)).toBe(true)
    expect(policy.isOwnPage(`${own}#/settings`)).toBe(true)
  })

  it('refuses every other local file, which the old any-file:// check let in', () => {
    for (const url of [
      'file:///tmp/evil.html',
      'file:///home/me/Downloads/index.html',
      pathToFileURL('/opt/iotcc/resources/app.asar/out/renderer/other.html').href,
      `${own}?x=1`,
      'file://remote-host/opt/iotcc/resources/app.asar/out/renderer/index.html',
    ])
      expect(policy.isOwnPage(url), url).toBe(false)
  })

  it('on Windows compares the path without case, and still refuses other files', () => {
    const win = createPagePolicy({
      indexFile: 'C:/Program Files/IoT/out/renderer/index.html',
      platform: 'win32',
    })
    expect(win.isOwnPage('file:///c:/program%20files/iot/out/renderer/index.html#/')).toBe(true)
    expect(win.isOwnPage('file:///C:/Users/me/Downloads/index.html')).toBe(false)
  })

  it('refuses web pages and garbage', () => {
    for (const url of [
      'https://example.com/',
      'http://localhost:5173/',
      'javascript:alert(1)',
      '',
      'not a url',
    ])
      expect(policy.isOwnPage(url), url).toBe(false)
  })

  it('in dev accepts the dev server origin only', () => {
    const dev = createPagePolicy({ indexFile, devUrl: 'http://localhost:5173' })
    expect(dev.isOwnPage('http://localhost:5173/#/devices')).toBe(true)
    expect(dev.isOwnPage('http://localhost:5174/')).toBe(false)
    expect(dev.isOwnPage('http://localhost:5173.evil.test/')).toBe(false)
    expect(dev.isOwnPage(own)).toBe(false)
    expect(() => createPagePolicy({ indexFile, devUrl: 'file:///tmp/x.html' })).toThrow(/http/)
  })
})

describe('navigation guards on every web contents', () => {
  const guarded = (): { contents: FakeWebContents; warnings: string[] } => {
    const contents = new FakeWebContents()
    const warnings: string[] = []
    guardContents(contents, policy, { warn: (m) => warnings.push(m) })
    return { contents, warnings }
  }

  it("lets the app's own page load and refuses a dropped or linked local file", () => {
    const { contents, warnings } = guarded()
    expect(contents.navigate('will-navigate', `${own}#/alerts`)).toBe(false)
    // Dropping an HTML file on the window is a will-navigate to its file:// URL.
    expect(contents.navigate('will-navigate', 'file:///tmp/dropped.html')).toBe(true)
    expect(contents.navigate('will-navigate', 'https://example.com/')).toBe(true)
    expect(warnings).toEqual(['navigation refused', 'navigation refused'])
  })

  it('refuses foreign frame navigations and redirects too', () => {
    const { contents } = guarded()
    expect(contents.navigate('will-frame-navigate', 'file:///etc/passwd')).toBe(true)
    expect(contents.navigate('will-frame-navigate', own)).toBe(false)
    expect(contents.navigate('will-redirect', 'https://attacker.test/')).toBe(true)
  })

  it('denies every new window and never hands a URL to the OS', () => {
    const { contents } = guarded()
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    })
    expect(contents.windowOpenHandler?.({ url: own })).toEqual({ action: 'deny' })
  })

  it('refuses webviews', () => {
    const { contents } = guarded()
    const event = fakeEvent({})
    contents.emit('will-attach-webview', event, {}, {})
    expect(event.prevented).toBe(true)
  })
})

describe('the session', () => {
  const locked = (): FakeSession => {
    const session = new FakeSession()
    lockSession(session, { csp: CONTENT_SECURITY_POLICY, policy, log: quiet })
    return session
  }

  it('sets the CSP on every response, replacing one the response brought', () => {
    const session = locked()
    const headers = session.respond({
      'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
      'Content-Type': ['text/html'],
    })
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    })
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe/)
  })

  it('refuses every permission but the clipboard write of its own page', () => {
    const session = locked()
    for (const permission of [
      'notifications',
      'media',
      'geolocation',
      'serial',
      'hid',
      'usb',
      'openExternal',
      'clipboard-read',
    ])
      expect(session.request(permission, own), permission).toBe(false)
    expect(session.request('clipboard-sanitized-write', own)).toBe(true)
    expect(session.request('clipboard-sanitized-write', 'file:///tmp/evil.html')).toBe(false)
    expect(session.checkHandler?.(null, 'notifications', 'file://')).toBe(false)
    expect(session.checkHandler?.(null, 'clipboard-sanitized-write', 'file://')).toBe(true)
  })

  it('the page carries the same policy itself, for file:// loads that bring no headers', () => {
    // The window loads index.html from file://, where there is no HTTP response whose headers
    // a session hook could be sure to see: the <meta> policy is the one that surely applies.
    // frame-ancestors is left out there because CSP ignores it in <meta> (CSP 3, §6.4.2).
    const html = readFileSync(join(__dirname, '../../../src/renderer/index.html'), 'utf8')
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)
    const expected = CONTENT_SECURITY_POLICY.split('; ')
      .filter((d) => !d.startsWith('frame-ancestors'))
      .join('; ')
    expect(meta?.[1]).toBe(expected)
  })
})
