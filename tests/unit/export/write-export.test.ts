import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { ReadingPoint } from '../../../src/shared/contract/readings'
import { csvText } from '../../../src/main/core/export/csv'
import { writeExport, type WriteExportOptions } from '../../../src/main/core/export/write-export'

const T0 = Date.UTC(2026, 10, 27, 10, 0, 0)

const names: Record<string, string> = {
  'living,room': 'Living room, "north"',
  'kueche~1a2b3c4d': 'Küche 🌡 Ωmega',
  evil: '=HYPERLINK("http://x")',
  multiline: 'line one\nline two',
}

/** Sorted by (ts, device) like ReadingsStore.iterate(…, 'time'). */
const points: ReadingPoint[] = [
  { deviceId: 'kueche~1a2b3c4d', metric: 'humidity', ts: T0, value: 40.5 },
  { deviceId: 'kueche~1a2b3c4d', metric: 'temperature', ts: T0, value: 21.4 },
  { deviceId: 'living,room', metric: 'temperature', ts: T0, value: -3.25 },
  { deviceId: 'evil', metric: 'humidity', ts: T0 + 1500, value: 55 },
  { deviceId: 'evil', metric: 'pressure', ts: T0 + 1500, value: 1013 },
  { deviceId: 'multiline', metric: 'temperature', ts: T0 + 60_000, value: 0.1 + 0.2 },
]

function options(overrides: Partial<WriteExportOptions> = {}): WriteExportOptions {
  return {
    format: 'csv',
    metrics: ['temperature', 'humidity'],
    from: T0,
    to: T0 + 3_600_000,
    deviceName: (id) => names[id] ?? id,
    now: () => T0 + 7_200_000,
    ...overrides,
  }
}

async function run(opts: WriteExportOptions, source: Iterable<ReadingPoint> = points) {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const totals = await writeExport(source, out, opts)
  return { totals, text: Buffer.concat(chunks).toString('utf8'), bytes: Buffer.concat(chunks) }
}

describe('CSV export', () => {
  it('matches the golden file: RFC 4180 quoting, ISO-8601 UTC, unit headers, formula guard', async () => {
    const { text, totals } = await run(options())
    const golden = [
      'time (UTC),device id,device name,temperature (°C),humidity (%RH)',
      '2026-11-27T10:00:00.000Z,kueche~1a2b3c4d,Küche 🌡 Ωmega,21.4,40.5',
      '2026-11-27T10:00:00.000Z,"living,room","Living room, ""north""",-3.25,',
      `2026-11-27T10:00:01.500Z,evil,"'=HYPERLINK(""http://x"")",,55`,
      '2026-11-27T10:01:00.000Z,multiline,"line one\nline two",0.30000000000000004,',
      '',
    ].join('\r\n')
    expect(text).toBe(golden)
    expect(totals.rows).toBe(4)
    expect(totals.bytes).toBe(Buffer.byteLength(golden))
  })

  it('adds a UTF-8 byte order mark only when asked', async () => {
    expect((await run(options())).bytes.subarray(0, 3).toString('hex')).not.toBe('efbbbf')
    expect((await run(options({ bom: true }))).bytes.subarray(0, 3).toString('hex')).toBe('efbbbf')
  })

  it('names catalog units, leaves unknown metrics bare, and writes only the header for an empty range', async () => {
    const { text } = await run(options({ metrics: ['pressure', 'co2', 'soil_ph'] }), [])
    expect(text).toBe('time (UTC),device id,device name,pressure (hPa),co2 (ppm),soil_ph\r\n')
  })

  it('guards formulas but keeps plain text and negative-looking ids readable', () => {
    expect(csvText('-5 cellar')).toBe("'-5 cellar")
    expect(csvText('@home')).toBe("'@home")
    expect(csvText('plain')).toBe('plain')
    expect(csvText('a"b')).toBe('"a""b"')
    expect(csvText('cr\rhere')).toBe('"cr\rhere"')
  })
})

describe('JSON export', () => {
  it('is one valid document with units, ISO times and the devices that appeared', async () => {
    const { text, totals } = await run(options({ format: 'json' }))
    const doc = JSON.parse(text) as Record<string, unknown>
    expect(totals.rows).toBe(4)
    expect(doc).toMatchObject({
      format: 'iotcc-readings',
      version: 1,
      exportedAt: '2026-11-27T12:00:00.000Z',
      from: '2026-11-27T10:00:00.000Z',
      to: '2026-11-27T11:00:00.000Z',
      units: { temperature: '°C', humidity: '%RH' },
    })
    expect(doc.readings).toEqual([
      {
        time: '2026-11-27T10:00:00.000Z',
        device: 'kueche~1a2b3c4d',
        temperature: 21.4,
        humidity: 40.5,
      },
      { time: '2026-11-27T10:00:00.000Z', device: 'living,room', temperature: -3.25 },
      { time: '2026-11-27T10:00:01.500Z', device: 'evil', humidity: 55 },
      { time: '2026-11-27T10:01:00.000Z', device: 'multiline', temperature: 0.30000000000000004 },
    ])
    expect(doc.devices).toContainEqual({ id: 'evil', name: '=HYPERLINK("http://x")' })
  })

  it('is valid JSON when nothing matched', async () => {
    const { text } = await run(options({ format: 'json' }), [])
    expect(JSON.parse(text)).toMatchObject({ readings: [], devices: [] })
  })
})

describe('streaming', () => {
  it('waits for a slow consumer instead of buffering the whole export', async () => {
    let maxBuffered = 0
    let written = 0
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, callback) {
        written += chunk.length
        maxBuffered = Math.max(maxBuffered, slow.writableLength)
        setImmediate(callback)
      },
    })
    function* many(): Generator<ReadingPoint> {
      for (let i = 0; i < 50_000; i++) {
        yield { deviceId: 'd', metric: 'temperature', ts: T0 + i * 1000, value: i / 10 }
      }
    }
    const totals = await writeExport(many(), slow, options())
    expect(totals.rows).toBe(50_000)
    expect(written).toBe(totals.bytes)
    // Never more than one 64 KiB chunk queued on top of the stream's own buffer.
    expect(maxBuffered).toBeLessThan(160 * 1024)
  })

  it('stops reading the source when the output fails (e.g. the client went away)', async () => {
    let pulled = 0
    function* endless(): Generator<ReadingPoint> {
      for (;;) {
        pulled++
        yield { deviceId: 'd', metric: 'temperature', ts: T0 + pulled, value: 1 }
      }
    }
    const broken = new Writable({
      write(_chunk, _enc, callback) {
        callback(new Error('socket hang up'))
      },
    })
    broken.on('error', () => undefined)
    await expect(writeExport(endless(), broken, options())).rejects.toThrow('socket hang up')
    expect(pulled).toBeLessThan(20_000)
  })
})
