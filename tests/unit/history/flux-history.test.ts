import { describe, expect, it } from 'vitest'
import { systemClock } from '../../../src/main/core/base/clock'
import { silentLogger } from '../../../src/main/core/base/logger'
import type { InfluxForwardConfig } from '../../../src/main/core/influx/influx-forwarder'
import { historyGrid } from '../../../src/main/core/readings/influx-history/bucket-grid'
import {
  aggregateQuery,
  deletePredicate,
  fluxString,
  latestQuery,
  rawPageQuery,
} from '../../../src/main/core/readings/influx-history/flux'
import { InfluxHistory } from '../../../src/main/core/readings/influx-history/influx-history'
import { tempDir } from '../../helpers/temp-dir'

const T0 = Date.UTC(2026, 0, 1)
const MIN = 60_000
const DAY = 86_400_000
const SOURCE = { bucket: 'iot', measurement: 'iot' }

describe('Flux queries for InfluxDB 2.x history', () => {
  it('windows a long range on the SQLite grid: minute-aligned start, aggregateWindow offset', () => {
    const q = {
      deviceIds: ['a', 'b'],
      metrics: ['temperature'],
      from: T0 + 12_345,
      to: T0 + 12_345 + 2 * DAY,
      points: 1000,
    }
    const grid = historyGrid(q)
    // 2 days + a minute in ≤ 1000 buckets of whole minutes: 3 min, from 00:00:00.
    expect(grid).toMatchObject({ from: T0, width: 3 * MIN })
    expect(aggregateQuery(SOURCE, grid, q.deviceIds, q.metrics)).toBe(
      [
        'data = from(bucket: "iot")',
        '  |> range(start: 2026-01-01T00:00:00.000Z, stop: 2026-01-03T00:01:00.000Z)',
        '  |> filter(fn: (r) => r._measurement == "iot" and (r.device == "a" or r.device == "b") and (r._field == "temperature"))',
        '  |> group(columns: ["device", "_field"])',
        ...['min', 'max', 'sum', 'count'].map(
          (fn) =>
            `data |> aggregateWindow(every: 180000ms, offset: ${T0 % (3 * MIN)}ms, fn: ${fn}, createEmpty: false, timeSrc: "_start") |> yield(name: "${fn}")`,
        ),
      ].join('\n'),
    )
  })

  it('escapes strings so a device id cannot end the literal or interpolate', () => {
    expect(fluxString('a"b\\c${x}')).toBe('"a\\"b\\\\c\\${x}"')
    expect(latestQuery(SOURCE, 'x"y')).toContain('r.device == "x\\"y"')
    expect(latestQuery(SOURCE)).toContain(
      'range(start: 1970-01-01T00:00:00Z, stop: 2262-01-01T00:00:00Z)',
    )
    expect(
      rawPageQuery(SOURCE, {
        range: { from: T0, to: T0 + 1 },
        deviceIds: undefined,
        limit: 10,
        offset: 20,
      }),
    ).toContain('|> limit(n: 10, offset: 20)')
    expect(deletePredicate('iot', 'esp32-a')).toBe('_measurement="iot" AND device="esp32-a"')
    expect(() => deletePredicate('iot', 'bad"id')).toThrow(/cannot delete/)
  })
})

/**
 * What InfluxDB 2.x answers the aggregate query with: one table per yield and series, laid out
 * as its docs' "Annotated CSV" describes (annotations, header, records; `result` from
 * `#default`), the columns aggregateWindow() keeps (_start, _stop, _time, _value and the group
 * key device, _field).
 */
function answer(t: number): string {
  const table = (result: string, type: string, rows: [string, string][]): string =>
    [
      `#datatype,string,long,dateTime:RFC3339,dateTime:RFC3339,dateTime:RFC3339,${type},string,string`,
      '#group,false,false,true,true,false,false,true,true',
      `#default,${result},,,,,,,`,
      ',result,table,_start,_stop,_time,_value,device,_field',
      ...rows.map(
        ([time, value], i) =>
          `,,${i},2026-01-01T00:00:00Z,2026-01-01T00:10:00Z,${time},${value},a,temperature`,
      ),
      '',
    ].join('\r\n')
  const at = (ms: number): string => new Date(ms).toISOString()
  return [
    table('min', 'double', [
      [at(t), '20.5'],
      [at(t + 2 * MIN), '19'],
    ]),
    table('max', 'double', [
      [at(t), '22'],
      [at(t + 2 * MIN), '19'],
    ]),
    table('sum', 'double', [
      [at(t), '63'],
      [at(t + 2 * MIN), '19'],
    ]),
    table('count', 'long', [
      [at(t), '3'],
      [at(t + 2 * MIN), '1'],
    ]),
  ].join('\r\n')
}

describe('InfluxDB 2.x history reads (documented request and answer formats)', () => {
  it('posts the Flux query with the token and turns the four yields into buckets', async () => {
    const dir = await tempDir('iotcc-flux-')
    const requests: { url: string; init: RequestInit }[] = []
    const target: InfluxForwardConfig = {
      version: '2',
      url: 'http://influx.example:8086/',
      database: '',
      retentionPolicy: '',
      username: '',
      password: null,
      org: 'farm',
      bucket: 'iot',
      token: 's3cret',
      measurement: 'iot',
      alertsMeasurement: 'iot_alerts',
      createDatabase: false,
      batchSize: 500,
      flushIntervalS: 1,
      maxQueueMB: 10,
    }
    const history = new InfluxHistory({
      dataDir: dir.path,
      clock: systemClock,
      logger: silentLogger,
      target,
      fetch: async (url, init) => {
        requests.push({ url, init })
        return new Response(answer(T0), { status: 200 })
      },
    })
    const result = await history.query({
      deviceIds: ['a'],
      metrics: ['temperature'],
      from: T0,
      to: T0 + 10 * MIN,
      points: 5,
    })
    expect(result).toEqual({
      bucketMs: 2 * MIN,
      series: [
        {
          deviceId: 'a',
          metric: 'temperature',
          buckets: [
            { t: T0, min: 20.5, avg: 21, max: 22, count: 3 },
            { t: T0 + 2 * MIN, min: 19, avg: 19, max: 19, count: 1 },
          ],
        },
      ],
    })
    expect(requests).toHaveLength(1)
    const { url, init } = requests[0]!
    expect(url).toBe('http://influx.example:8086/api/v2/query?org=farm')
    expect(init.method).toBe('POST')
    expect(init.headers).toMatchObject({
      Authorization: 'Token s3cret',
      'Content-Type': 'application/json',
      Accept: 'application/csv',
    })
    const body = JSON.parse(String(init.body)) as { query: string; dialect: object }
    expect(body.query).toContain('aggregateWindow(every: 120000ms, offset: 0ms, fn: sum')
    expect(body.dialect).toMatchObject({ header: true, annotations: expect.any(Array) })
    await history.close()
    await dir.cleanup()
  })

  it('says which store failed when InfluxDB refuses the query', async () => {
    const dir = await tempDir('iotcc-flux-')
    const history = new InfluxHistory({
      dataDir: dir.path,
      clock: systemClock,
      logger: silentLogger,
      target: {
        version: '2',
        url: 'http://127.0.0.1:9',
        database: '',
        retentionPolicy: '',
        username: '',
        password: null,
        org: 'farm',
        bucket: 'iot',
        token: 't',
        measurement: 'iot',
        alertsMeasurement: 'iot_alerts',
        createDatabase: false,
        batchSize: 500,
        flushIntervalS: 1,
        maxQueueMB: 10,
      },
      fetch: async () =>
        new Response(JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }), {
          status: 401,
        }),
    })
    await expect(history.latest()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/InfluxDB failed: .*HTTP 401: unauthorized access/),
    })
    await history.close()
    await dir.cleanup()
  })
})
