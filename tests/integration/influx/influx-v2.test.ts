import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { createLogger } from '../../../src/main/core/base/logger'
import {
  InfluxForwarder,
  type InfluxForwardConfig,
} from '../../../src/main/core/influx/influx-forwarder'
import { tempDir } from '../../helpers/temp-dir'

interface Seen {
  url: string
  auth: string | undefined
  body: string
}

/**
 * No InfluxDB 2.x binary is available here, so a local HTTP server plays its write API
 * (InfluxDB 2.x API: POST /api/v2/write, 204 on success, 401 with a JSON error).
 */
async function fakeInflux2(
  answer: (req: IncomingMessage) => number,
): Promise<{ server: Server; url: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ url: req.url ?? '', auth: req.headers.authorization, body })
      const status = answer(req)
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(
        status === 204
          ? ''
          : JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

let cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn()
  cleanup = []
})

describe('InfluxDB 2.x forwarding', () => {
  it('writes to /api/v2/write with org, bucket and a Token header, and never logs the token', async () => {
    let authorized = false
    const fake = await fakeInflux2(() => (authorized ? 204 : 401))
    cleanup.push(() => void fake.server.close())
    const dir = await tempDir('iotcc-influx2-')
    cleanup.push(dir.cleanup)
    const logLines: string[] = []
    const logger = createLogger({ level: 'debug', sink: (l) => logLines.push(JSON.stringify(l)) })
    const config: InfluxForwardConfig = {
      version: '2',
      url: fake.url,
      database: '',
      retentionPolicy: '',
      username: '',
      password: null,
      org: 'my home',
      bucket: 'sensors',
      token: 'tok-SECRET-123',
      measurement: 'iot',
      alertsMeasurement: 'iot_alerts',
      createDatabase: true,
      batchSize: 50,
      flushIntervalS: 0.05,
      maxQueueMB: 1,
    }
    const forwarder = new InfluxForwarder({
      dataDir: dir.path,
      clock: systemClock,
      logger,
      config: () => config,
      minBackoffMs: 30,
      maxBackoffMs: 60,
    })
    cleanup.push(() => forwarder.close())

    forwarder.addReadings([
      { deviceId: 'esp32-a1b2c3', metric: 'temperature', ts: 1000, value: 21.5 },
    ])
    forwarder.flush()
    await expect.poll(() => forwarder.status().state, { timeout: 5000 }).toBe('retrying')
    expect(forwarder.status().lastError).toMatch(/credentials \(HTTP 401: unauthorized access\)/)

    authorized = true
    await expect.poll(() => forwarder.status().sent, { timeout: 5000 }).toBe(1)
    const last = fake.seen.at(-1) as Seen
    expect(last.url).toBe('/api/v2/write?precision=ms&org=my+home&bucket=sensors')
    expect(last.auth).toBe('Token tok-SECRET-123')
    expect(last.body).toBe('iot,device=esp32-a1b2c3 temperature=21.5 1000\n')
    expect(logLines.join('\n')).not.toContain('SECRET')
  })

  it('keeps the on-disk queue within its bound by dropping the oldest batches, and counts them', async () => {
    const fake = await fakeInflux2(() => 503)
    cleanup.push(() => void fake.server.close())
    const dir = await tempDir('iotcc-influx2-')
    cleanup.push(dir.cleanup)
    const config: InfluxForwardConfig = {
      version: '2',
      url: fake.url,
      database: '',
      retentionPolicy: '',
      username: '',
      password: null,
      org: 'o',
      bucket: 'b',
      token: 't',
      measurement: 'iot',
      alertsMeasurement: 'iot_alerts',
      createDatabase: false,
      batchSize: 1000,
      flushIntervalS: 60,
      maxQueueMB: 1,
    }
    const forwarder = new InfluxForwarder({
      dataDir: dir.path,
      clock: systemClock,
      logger: createLogger({ sink: () => undefined }),
      config: () => config,
      minBackoffMs: 10_000,
    })
    cleanup.push(() => forwarder.close())
    // ~50 bytes a line: 30 batches of 1,000 lines is ~1.5 MB, over the 1 MB bound.
    for (let b = 0; b < 30; b++) {
      const points = []
      for (let i = 0; i < 1000; i++) {
        points.push({
          deviceId: 'esp32-a1b2c3',
          metric: 'temperature',
          ts: b * 1000 + i,
          value: 21.25,
        })
      }
      forwarder.addReadings(points)
    }
    const status = forwarder.status()
    expect(status.queuedBytes).toBeLessThanOrEqual(1024 * 1024)
    expect(status.dropped).toBeGreaterThan(0)
    expect(status.dropped % 1000).toBe(0)
    expect(status.pending + status.dropped).toBe(30_000)
  })
})
