import { createServer, get, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportQueryString, ExportRequest } from '../../../src/shared/contract/export'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import { ExportService } from '../../../src/main/core/export/export-service'
import { serveExport } from '../../../src/main/core/export/http-export'
import { ReadingsStore } from '../../../src/main/core/readings/readings-store'
import { runExport } from './fixtures/run-export'
import { tempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 0, 1)
const DEVICES = ['esp32-aaaaaa', 'esp32-bbbbbb', 'home.sensors.temp_hum']
const PER_DEVICE = 2000

let dir: { path: string; cleanup: () => Promise<void> }
let store: ReadingsStore
let service: ExportService

beforeAll(async () => {
  dir = await tempDir('iotcc-export-')
  store = new ReadingsStore({
    dataDir: dir.path,
    clock: { ...systemClock, now: () => T0 + 86_400_000 },
    logger: silentLogger,
    retentionDays: () => 3650,
  })
  for (const [d, deviceId] of DEVICES.entries()) {
    for (let i = 0; i < PER_DEVICE; i++) {
      store.add(deviceId, T0 + i * 10_000 + d, i, [
        { metric: 'temperature', value: 20 + (i % 100) / 4 },
        { metric: 'humidity', value: 40 + d },
      ])
    }
  }
  store.flush()
  await writeFile(
    join(dir.path, 'devices.json'),
    JSON.stringify({
      version: 1,
      data: { devices: [{ id: 'esp32-aaaaaa', customName: 'Büro, "links"', reportedName: null }] },
    }),
  )
  service = new ExportService({
    readings: store,
    deviceName: (id) => (id === 'esp32-aaaaaa' ? 'Büro, "links"' : undefined),
    clock: systemClock,
    logger: silentLogger,
  })
})

afterAll(async () => {
  store.close()
  await dir.cleanup()
})

const request = (over: Partial<ExportRequest> = {}): ExportRequest =>
  ExportRequest.parse({ format: 'csv', from: T0, to: T0 + 86_400_000, ...over })

describe('export from the real readings database', () => {
  it('writes every row of the chosen devices and range to a file, in time order', async () => {
    const path = join(dir.path, 'out.csv')
    const result = await service.exportToFile(
      request({ deviceIds: ['esp32-aaaaaa', 'esp32-bbbbbb'], to: T0 + 1000 * 10_000 }),
      path,
    )
    expect(result.rows).toBe(2000)
    const lines = (await readFile(path, 'utf8')).split('\r\n')
    expect(lines[0]).toBe('time (UTC),device id,device name,temperature (°C),humidity (%RH)')
    expect(lines[1]).toBe('2026-01-01T00:00:00.000Z,esp32-aaaaaa,"Büro, ""links""",20,40')
    expect(lines[2]).toBe('2026-01-01T00:00:00.001Z,esp32-bbbbbb,esp32-bbbbbb,20,41')
    expect(lines.at(-2)).toBe('2026-01-01T02:46:30.001Z,esp32-bbbbbb,esp32-bbbbbb,44.75,41')
    expect(lines).toHaveLength(2002)
  })

  it('serves a streamed download over HTTP with the right headers', async () => {
    const server: Server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const match = /^\/export\.(\w+)$/.exec(url.pathname)
      void serveExport(match?.[1] ?? '', url.searchParams, res, service, silentLogger)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const fetchText = (path: string) =>
      new Promise<{ status: number; type: string; disposition: string; body: string }>((resolve) =>
        get({ host: '127.0.0.1', port, path }, (res) => {
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (body += c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type']),
              disposition: String(res.headers['content-disposition']),
              body,
            }),
          )
        }),
      )
    try {
      const q = exportQueryString({ format: 'json', from: T0, to: T0 + 86_400_000 })
      const ok = await fetchText(`/export.json?${q}`)
      expect(ok.status).toBe(200)
      expect(ok.type).toBe('application/json; charset=utf-8')
      expect(ok.disposition).toBe('attachment; filename="readings-2026-01-01T00-00Z.json"')
      const doc = JSON.parse(ok.body) as { readings: unknown[]; devices: unknown[] }
      expect(doc.readings).toHaveLength(DEVICES.length * PER_DEVICE)
      expect(doc.devices).toHaveLength(3)

      const bad = await fetchText(`/export.csv?from=yesterday&to=2026-01-02T00:00:00Z`)
      expect(bad.status).toBe(400)
      expect(bad.body).toMatch(/^Bad export request: from:/)
    } finally {
      server.close()
    }
  })

  it('exports from the CLI to stdout, reading the data folder read-only', async () => {
    const { code, out, err } = await runExport([
      '--data-dir',
      dir.path,
      '--devices',
      'esp32-aaaaaa',
      '--metrics',
      'humidity',
      '--from',
      '2026-01-01T00:00:00Z',
      '--to',
      '2026-01-01T00:00:30Z',
    ])
    expect(err).toBe('3 rows (from readings.sqlite)\n')
    expect(code).toBe(0)
    expect(out).toBe(
      'time (UTC),device id,device name,humidity (%RH)\r\n' +
        '2026-01-01T00:00:00.000Z,esp32-aaaaaa,"Büro, ""links""",40\r\n' +
        '2026-01-01T00:00:10.000Z,esp32-aaaaaa,"Büro, ""links""",40\r\n' +
        '2026-01-01T00:00:20.000Z,esp32-aaaaaa,"Büro, ""links""",40\r\n',
    )
  })

  it('refuses bad CLI arguments with usage and exit code 2', async () => {
    const { code, err } = await runExport(['--format', 'xml', '--data-dir', dir.path])
    expect(code).toBe(2)
    expect(err).toContain('format')
    expect(err).toContain('Usage: npm run -s cli -- export')
  })
})
