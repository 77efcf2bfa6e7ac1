/**
 * serve's log file in the data folder (issue 15.6): it grows to a size cap, then rotates into
 * a fixed number of old files, and a disk it cannot write never takes serve down.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/main/core/base/logger'
import { RotatingLogFile, teeSink } from '../../src/main/server/log-file'
import { lanUrls } from '../../src/main/server/lan-urls'
import { tempDir } from '../helpers/temp-dir'

let dir: { path: string; cleanup: () => Promise<void> }
beforeEach(async () => {
  dir = await tempDir('iotcc-log-')
})
afterEach(async () => {
  await dir.cleanup()
})

const line = (n: number): string => `line ${String(n).padStart(4, '0')} ${'x'.repeat(40)}` // 50 bytes + \n

describe('RotatingLogFile', () => {
  it('creates its folder and appends lines, keeping what an earlier run wrote', () => {
    const path = join(dir.path, 'logs', 'serve.log')
    const first = new RotatingLogFile({ path })
    first.write('first run')
    first.close()
    const second = new RotatingLogFile({ path })
    second.write('second run')
    second.close()
    expect(readFileSync(path, 'utf8')).toBe('first run\nsecond run\n')
  })

  it('creates the file when made, so nothing new appears in the data folder at shutdown', () => {
    const path = join(dir.path, 'logs', 'serve.log')
    const log = new RotatingLogFile({ path })
    expect(readFileSync(path, 'utf8')).toBe('')
    log.close()
  })

  it('rotates before a line would pass the cap and keeps only the newest generations', () => {
    const path = join(dir.path, 'serve.log')
    const log = new RotatingLogFile({ path, maxBytes: 200, generations: 2 })
    for (let n = 0; n < 20; n++) log.write(line(n)) // 51 bytes each: 3 lines per file
    log.close()

    expect(readdirSync(dir.path).sort()).toEqual(['serve.log', 'serve.log.1', 'serve.log.2'])
    for (const name of readdirSync(dir.path)) {
      expect(statSync(join(dir.path, name)).size).toBeLessThanOrEqual(200)
    }
    // Newest in serve.log, then .1, then .2; lines 0–10 are gone with the dropped generations.
    expect(readFileSync(path, 'utf8')).toBe([18, 19].map((n) => `${line(n)}\n`).join(''))
    expect(readFileSync(`${path}.1`, 'utf8')).toBe([15, 16, 17].map((n) => `${line(n)}\n`).join(''))
    expect(readFileSync(`${path}.2`, 'utf8')).toBe([12, 13, 14].map((n) => `${line(n)}\n`).join(''))
  })

  it('writes a line longer than the cap into a file of its own', () => {
    const path = join(dir.path, 'serve.log')
    const log = new RotatingLogFile({ path, maxBytes: 10, generations: 1 })
    log.write('short')
    log.write('a line much longer than ten bytes')
    log.close()
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('short\n')
    expect(readFileSync(path, 'utf8')).toBe('a line much longer than ten bytes\n')
  })

  it('turns itself off, once and without throwing, when the file cannot be written', () => {
    // A plain file where the log folder should be: mkdir fails (as on a read-only data folder).
    writeFileSync(join(dir.path, 'logs'), 'not a folder')
    const errors: string[] = []
    const log = new RotatingLogFile({
      path: join(dir.path, 'logs', 'serve.log'),
      onError: (error) => errors.push(error.message),
    })
    expect(() => {
      log.write('one')
      log.write('two')
    }).not.toThrow()
    expect(errors).toHaveLength(1)
  })

  it('is a logger sink: timestamped lines, secrets redacted, alongside stderr', () => {
    const path = join(dir.path, 'serve.log')
    const file = new RotatingLogFile({ path })
    const seen: string[] = []
    const logger = createLogger({
      sink: teeSink(file.sink, ({ message }) => seen.push(message)),
      now: () => Date.UTC(2026, 11, 5, 21, 0, 0),
    })
    logger
      .child('web')
      .warn('refused WebSocket upgrade', { origin: 'http://x', token: 'abc123456' })
    file.close()
    expect(seen).toEqual(['refused WebSocket upgrade'])
    expect(readFileSync(path, 'utf8')).toBe(
      '2026-12-05T21:00:00.000Z WARN  app.web: refused WebSocket upgrade {"origin":"http://x","token":"[redacted]"}\n',
    )
  })

  it('creates the file readable by its owner and group only', () => {
    if (process.platform === 'win32') return
    const path = join(dir.path, 'serve.log')
    const log = new RotatingLogFile({ path })
    log.write('x')
    log.close()
    expect(existsSync(path)).toBe(true)
    expect(statSync(path).mode & 0o777 & ~0o640).toBe(0)
  })
})

describe('lanUrls', () => {
  const url = 'http://0.0.0.0:5180/?token=abc%2B123'

  it('gives one address per LAN interface when serve listens on every interface', () => {
    expect(lanUrls(url, '0.0.0.0', ['192.168.1.23', '10.0.0.5'])).toEqual([
      'http://192.168.1.23:5180/?token=abc%2B123',
      'http://10.0.0.5:5180/?token=abc%2B123',
    ])
    expect(lanUrls('http://[::]:8080/?token=t', '::', ['192.168.1.23'])).toEqual([
      'http://192.168.1.23:8080/?token=t',
    ])
  })

  it('gives nothing when serve listens on one address (the printed one is the one to use)', () => {
    expect(lanUrls('http://127.0.0.1:5180/?token=t', '127.0.0.1', ['192.168.1.23'])).toEqual([])
    expect(lanUrls('http://192.168.1.23:5180/?token=t', '192.168.1.23', ['192.168.1.23'])).toEqual(
      [],
    )
  })
})
